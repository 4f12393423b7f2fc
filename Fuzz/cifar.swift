@testable import Data
import Engine
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCIFAR(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = fuzzInputFile(data, size, name: "cifar")
    // CIFAR-10 (1 label byte) and CIFAR-100 (2 label bytes, fine label second) record layouts.
    do { _ = try CIFARRecords.decode(path: path, labelBytes: 1, labelByte: 0, classCount: 10) } catch { expectTyped(error, [DataError.self, FileReadError.self]) }
    do { _ = try CIFARRecords.decode(path: path, labelBytes: 2, labelByte: 1, classCount: 100) } catch { expectTyped(error, [DataError.self, FileReadError.self]) }
    do { _ = try CIFARRecords.labelNames(at: path, expected: 10, fallback: []) } catch { expectTyped(error, [DataError.self, FileReadError.self]) }
    return 0
}

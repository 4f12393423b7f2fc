import Data
import Engine
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzIDX(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let path = fuzzInputFile(data, size, name: "idx")
    // Raw IDX (a gzip signature routes to the gzip reader, which has its own target). A small limit keeps
    // claimed sizes from allocating much.
    do { _ = try IDXFile.read(at: path, byteLimit: 1 << 22) } catch { expectTyped(error, [DataError.self, FileReadError.self]) }
    do { _ = try IDXFile.readDimensions(at: path) } catch { expectTyped(error, [DataError.self, FileReadError.self]) }
    return 0
}

import Data
import Engine
import Foundation

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzGzip(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    // Always a gzip file: the signature is added when missing, so every input exercises the decompressor.
    var bytes = Array(UnsafeBufferPointer(start: data, count: size))
    if !Gzip.isGzip(bytes) { bytes = [0x1f, 0x8b] + bytes }
    let path = bytes.withUnsafeBufferPointer { fuzzInputFile($0.baseAddress!, $0.count, name: "gz") }
    do { _ = try IDXFile.read(at: path, byteLimit: 1 << 22) } catch { expectTyped(error, [DataError.self, FileReadError.self]) }
    return 0
}

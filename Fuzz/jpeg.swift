import Engine
import Foundation
import Imaging

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzJPEG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do { _ = try JPEGCodec.decode(bytes, path: "fuzz.jpg") } catch { expectTyped(error, [ImageError.self, FileReadError.self]) }
    do { _ = try decodeImage(bytes, path: "fuzz") } catch { expectTyped(error, [ImageError.self, FileReadError.self]) }
    return 0
}

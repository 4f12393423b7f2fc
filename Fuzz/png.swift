import Engine
import Foundation
import Imaging

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzPNG(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    do { _ = try PNGCodec.decode(bytes, path: "fuzz.png") } catch { expectTyped(error, [ImageError.self, FileReadError.self]) }
    return 0
}

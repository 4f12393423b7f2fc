import Foundation
import NN

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzSafeTensors(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    do { _ = try SafeTensors.parse(Data(bytes: data, count: size), path: "fuzz") } catch { expectTyped(error, [SafeTensorsError.self]) }
    return 0
}

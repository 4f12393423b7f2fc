import Engine
#if canImport(Glibc)
import Glibc
#endif

/// Bytes to Float32 in [0, 1] (`Float(byte) / 255`, the same values as `byteToUnit`), 32 at a time with SIMD.
public enum UnitConversion {
    /// Writes `Float(source[i]) / 255` to `destination[i]` for `i < count`.
    public static func convert(_ source: UnsafePointer<UInt8>, to destination: UnsafeMutablePointer<Float>, count: Int) {
        let raw = UnsafeRawPointer(source)
        let out = UnsafeMutableRawPointer(destination)
        let scale = SIMD8<Float>(repeating: 255)
        var i = 0
        while i + 32 <= count {
            let bytes = raw.loadUnaligned(fromByteOffset: i, as: SIMD32<UInt8>.self)
            let a = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes.lowHalf.lowHalf)) / scale
            let b = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes.lowHalf.highHalf)) / scale
            let c = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes.highHalf.lowHalf)) / scale
            let d = SIMD8<Float>(SIMD8<Int32>(truncatingIfNeeded: bytes.highHalf.highHalf)) / scale
            out.storeBytes(of: a, toByteOffset: 4 * i, as: SIMD8<Float>.self)
            out.storeBytes(of: b, toByteOffset: 4 * (i + 8), as: SIMD8<Float>.self)
            out.storeBytes(of: c, toByteOffset: 4 * (i + 16), as: SIMD8<Float>.self)
            out.storeBytes(of: d, toByteOffset: 4 * (i + 24), as: SIMD8<Float>.self)
            i += 32
        }
        while i < count {
            destination[i] = Float(source[i]) / 255
            i += 1
        }
    }

    /// Asks Linux to back the 2 MiB-aligned interior of a large fresh buffer with transparent huge pages,
    /// so filling it takes hundreds of page faults instead of tens of thousands (a hint; ignored elsewhere).
    public static func adviseHugePages(_ pointer: UnsafeMutableRawPointer, byteCount: Int) {
        #if os(Linux)
        let huge = 2 << 20
        guard byteCount >= 2 * huge else { return }
        let start = (Int(bitPattern: pointer) + huge - 1) / huge * huge
        let end = (Int(bitPattern: pointer) + byteCount) / huge * huge
        if end > start { _ = madvise(UnsafeMutableRawPointer(bitPattern: start), end - start, MADV_HUGEPAGE) }
        #endif
    }
}

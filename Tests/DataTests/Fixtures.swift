import Data
import Foundation
import Imaging

/// `count` images of `height` x `width` whose pixel (n, r, c) is `(n * 7 + r * 3 + c) % 256`.
func idxImages(count: Int, height: Int, width: Int) -> IDXArray {
    var bytes: [UInt8] = []
    for n in 0..<count {
        for r in 0..<height {
            for c in 0..<width { bytes.append(UInt8((n * 7 + r * 3 + c) % 256)) }
        }
    }
    return IDXArray(dims: [count, height, width], bytes: bytes)
}

func idxLabels(_ labels: [UInt8]) -> IDXArray { IDXArray(dims: [labels.count], bytes: labels) }

/// Big-endian bytes of a UInt32.
func bigEndian(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8((value >> 16) & 0xFF), UInt8((value >> 8) & 0xFF), UInt8(value & 0xFF)]
}

/// A CIFAR record: label bytes, then planar R, G, B where channel k of pixel p is `(p + 50 * k + seed) % 256`.
func cifarRecord(labels: [UInt8], seed: Int) -> [UInt8] {
    var record = labels
    for k in 0..<3 {
        for p in 0..<1024 { record.append(UInt8((p + 50 * k + seed) % 256)) }
    }
    return record
}

/// Runs `body`, returning the error it throws (nil if none).
func caught(_ body: () throws -> Void) -> Error? {
    do { try body(); return nil } catch { return error }
}

/// Batcher's odd–even merge sorting network for a fixed number of elements, applied to the columns of
/// row-major blocks: one comparator exchanges two whole rows, so eight columns are sorted at once in SIMD
/// lanes. A fixed comparator sequence has no data-dependent branches, which is what lets the lanes run together.
///
/// ```swift
/// let network = SortingNetwork(count: 64)
/// network.sortColumns(keys: keys, rows: rows, values: values, width: 64) // 64 columns of 64 rows each
/// ```
public struct SortingNetwork: Sendable {
    /// How many elements (rows) the network sorts.
    public let count: Int
    /// The comparators in the order they are applied: for each pair (i, j), i < j, the smaller element goes to i.
    public let comparators: [(Int, Int)]

    /// The network for `count` elements: the power-of-two network with every comparator that touches an
    /// index ≥ `count` dropped (still a sorting network, as the dropped indices can be taken as +∞).
    public init(count: Int) {
        precondition(count >= 0, "SortingNetwork: negative count \(count)")
        var pairs: [(Int, Int)] = []
        var p = 1
        while p < count {
            var k = p
            while k >= 1 {
                var j = k % p
                while j + k < count {
                    for i in 0..<k where i + j + k < count && (i + j) / (2 * p) == (i + j + k) / (2 * p) {
                        pairs.append((i + j, i + j + k))
                    }
                    j += 2 * k
                }
                k /= 2
            }
            p *= 2
        }
        self.count = count
        comparators = pairs
    }

    /// The sort key of `value`: signed integer order of the keys is the float order (−0 before +0, NaN aside).
    /// Integer keys let equal floats be ordered further by a tie-break, which float compares cannot do in one step.
    @inlinable
    public static func key(_ value: Float) -> Int32 {
        let bits = value.bitPattern
        return Int32(bitPattern: bits & 0x8000_0000 != 0 ? ~bits : bits | 0x8000_0000) ^ Int32.min
    }

    /// Sorts every column of the row-major `[count, width]` blocks `keys`, `rows` and `values`:
    /// `keys` ascending with `rows` as the tie-break, moved together (for distinct `rows`, the order of a
    /// stable sort by key), and `values` ascending on their own. Columns past the last multiple of 8 are
    /// sorted one at a time by the same comparators.
    public func sortColumns(keys: UnsafeMutablePointer<Int32>, rows: UnsafeMutablePointer<Int32>,
                            values: UnsafeMutablePointer<Float>, width: Int) {
        let vectorWidth = width - width % 8
        let rk = UnsafeMutableRawPointer(keys), rr = UnsafeMutableRawPointer(rows), rv = UnsafeMutableRawPointer(values)
        for (i, j) in comparators {
            var c = 0
            while c < vectorWidth {
                let oi = (i * width + c) * 4, oj = (j * width + c) * 4
                let ki = rk.loadUnaligned(fromByteOffset: oi, as: SIMD8<Int32>.self), kj = rk.loadUnaligned(fromByteOffset: oj, as: SIMD8<Int32>.self)
                let ri = rr.loadUnaligned(fromByteOffset: oi, as: SIMD8<Int32>.self), rj = rr.loadUnaligned(fromByteOffset: oj, as: SIMD8<Int32>.self)
                let swap = (ki .> kj) .| ((ki .== kj) .& (ri .> rj))
                rk.storeBytes(of: ki.replacing(with: kj, where: swap), toByteOffset: oi, as: SIMD8<Int32>.self)
                rk.storeBytes(of: kj.replacing(with: ki, where: swap), toByteOffset: oj, as: SIMD8<Int32>.self)
                rr.storeBytes(of: ri.replacing(with: rj, where: swap), toByteOffset: oi, as: SIMD8<Int32>.self)
                rr.storeBytes(of: rj.replacing(with: ri, where: swap), toByteOffset: oj, as: SIMD8<Int32>.self)
                let vi = rv.loadUnaligned(fromByteOffset: oi, as: SIMD8<Float>.self), vj = rv.loadUnaligned(fromByteOffset: oj, as: SIMD8<Float>.self)
                // A select, not pointwiseMin/Max (which do not inline to single instructions).
                let less = vj .< vi
                rv.storeBytes(of: vi.replacing(with: vj, where: less), toByteOffset: oi, as: SIMD8<Float>.self)
                rv.storeBytes(of: vj.replacing(with: vi, where: less), toByteOffset: oj, as: SIMD8<Float>.self)
                c += 8
            }
            for c in vectorWidth..<width {
                let a = i * width + c, b = j * width + c
                if keys[a] > keys[b] || (keys[a] == keys[b] && rows[a] > rows[b]) {
                    swap(&keys[a], &keys[b])
                    swap(&rows[a], &rows[b])
                }
                if values[b] < values[a] { swap(&values[a], &values[b]) }
            }
        }
    }
}

@testable import Engine
import Testing
import TestSupport

@Suite struct SortGatherTests {
    @Test func sortedAlongEachAxis() {
        var rng = RandomGenerator(seed: 50)
        for rank in 1...3 {
            let shape = rng.shape(rank: rank)
            let x = distinctValues(shape, &rng)
            for axis in Array(0..<rank) + [-1] {
                let a = axis < 0 ? axis + rank : axis
                // Reference: sort every lane along `a` independently.
                var expected = x.scalars
                var lanes: [[Int]: [Int]] = [:]
                for flat in 0..<x.scalarCount {
                    var key = unravel(flat, shape)
                    key[a] = 0
                    lanes[key, default: []].append(flat)
                }
                for positions in lanes.values {
                    let sortedValues = positions.map { x.scalars[$0] }.sorted()
                    for (p, v) in zip(positions, sortedValues) { expected[p] = v }
                }
                expectClose(x.sorted(axis: axis), expected, shape: shape, tolerance: 0)
                expectGradientsMatch([x], "sorted axis \(axis) \(shape)") { $0[0].sorted(axis: axis) }
            }
        }
    }

    @Test func sortedGradientFollowsValues() {
        let x = Tensor(shape: [2, 3], scalars: [3, 1, 2, 0, 5, -1], requiresGradient: true)
        let s = x.sorted(axis: 1)
        #expect(s.scalars == [1, 2, 3, -1, 0, 5])
        // Weight sorted position k by k+1: each original element receives its rank's weight.
        (s * Tensor(shape: [3], scalars: [1, 2, 3])).sum().backward()
        #expect(x.gradient!.scalars == [3, 1, 2, 2, 3, 1])
        // Ties keep their original order (stable).
        let t = Tensor(shape: [4], scalars: [2, 1, 2, 1], requiresGradient: true)
        (t.sorted(axis: 0) * Tensor(shape: [4], scalars: [1, 2, 3, 4])).sum().backward()
        #expect(t.gradient!.scalars == [3, 1, 4, 2])
    }

    @Test func gatherRowsWithRepeatedIndices() {
        let table = Tensor(shape: [4, 2], scalars: [0, 1, 10, 11, 20, 21, 30, 31], requiresGradient: true)
        let rows = table.gatherRows([2, 0, 2, 2])
        #expect(rows.shape == [4, 2])
        #expect(rows.scalars == [20, 21, 0, 1, 20, 21, 20, 21])
        rows.sum().backward()
        #expect(table.gradient!.scalars == [1, 1, 0, 0, 3, 3, 0, 0])

        var rng = RandomGenerator(seed: 51)
        for _ in 0..<4 {
            let rowsCount = 1 + rng.nextInt(below: 5), columns = 1 + rng.nextInt(below: 4)
            let t = randomTensor([rowsCount, columns], &rng)
            let indices = (0..<(1 + rng.nextInt(below: 7))).map { _ in rng.nextInt(below: rowsCount) }
            let expected = indices.flatMap { Array(t.scalars[$0 * columns..<($0 + 1) * columns]) }
            expectClose(t.gatherRows(indices), expected, shape: [indices.count, columns], tolerance: 0)
            expectGradientsMatch([t], "gatherRows \(indices)") { $0[0].gatherRows(indices) }
        }
        #expect(table.gatherRows([]).shape == [0, 2])
    }

    @Test func gatherFlatIndices() {
        let x = Tensor(shape: [2, 3], scalars: [0, 1, 2, 3, 4, 5], requiresGradient: true)
        let g = x.gather(flatIndices: [5, 0, 5, 3], shape: [2, 2])
        #expect(g.shape == [2, 2])
        #expect(g.scalars == [5, 0, 5, 3])
        (g * Tensor(shape: [2, 2], scalars: [1, 2, 3, 4])).sum().backward()
        #expect(x.gradient!.scalars == [2, 0, 0, 4, 0, 4])

        var rng = RandomGenerator(seed: 52)
        for _ in 0..<4 {
            let shape = rng.shape(rank: 1 + rng.nextInt(below: 3))
            let t = randomTensor(shape, &rng)
            let outShape = rng.shape(rank: 1 + rng.nextInt(below: 2))
            let indices = (0..<elementCount(outShape)).map { _ in rng.nextInt(below: t.scalarCount) }
            expectClose(t.gather(flatIndices: indices, shape: outShape), indices.map { t.scalars[$0] }, shape: outShape, tolerance: 0)
            expectGradientsMatch([t], "gather \(indices)") { $0[0].gather(flatIndices: indices, shape: outShape) }
        }
    }
}

import Engine
import Testing

@Suite struct SortingNetworkTests {
    /// Batcher's odd–even merge sort uses (k² − k + 4)·2^(k−2) − 1 comparators for 2^k elements.
    @Test func powerOfTwoNetworksHaveBatchersComparatorCount() {
        #expect(SortingNetwork(count: 0).comparators.isEmpty)
        #expect(SortingNetwork(count: 1).comparators.isEmpty)
        #expect(SortingNetwork(count: 2).comparators.map { [$0.0, $0.1] } == [[0, 1]])
        #expect(SortingNetwork(count: 4).comparators.count == 5)
        #expect(SortingNetwork(count: 8).comparators.count == 19)
        #expect(SortingNetwork(count: 16).comparators.count == 63)
        #expect(SortingNetwork(count: 64).comparators.count == 543)
    }

    /// The 0–1 principle: a comparator network that sorts every sequence of zeros and ones sorts everything.
    @Test(arguments: 1...12)
    func sortsEveryZeroOneSequence(_ count: Int) {
        let network = SortingNetwork(count: count)
        #expect(network.comparators.allSatisfy { $0.0 < $0.1 && $0.1 < count })
        var unsorted = 0
        for pattern in 0..<(1 << count) {
            var bits = (0..<count).map { (pattern >> $0) & 1 }
            for (i, j) in network.comparators where bits[i] > bits[j] { bits.swapAt(i, j) }
            if bits != bits.sorted() { unsorted += 1 }
        }
        #expect(unsorted == 0)
    }

    @Test func keysOrderFloatsAsFloats() {
        let values: [Float] = [-.infinity, -3.5, -1, -.leastNonzeroMagnitude, -0.0, 0, .leastNonzeroMagnitude, 0.25, 7, .infinity]
        let keys = values.map(SortingNetwork.key)
        #expect(keys == keys.sorted())
        #expect(Set(keys).count == values.count) // −0 and +0 are distinct keys, −0 first
    }

    /// Columns of blocks 8, 13 (eight in lanes, five one at a time) and 3 wide: keys sorted with rows as the
    /// tie-break, as a stable sort; values sorted on their own.
    @Test(arguments: [8, 13, 3])
    func sortsColumnsLikeAStableSort(_ width: Int) {
        let count = 11
        var rng = RandomGenerator(seed: UInt64(width))
        var keys = (0..<(count * width)).map { _ in Int32(rng.nextInt(below: 4)) - 2 } // many ties
        var rows = (0..<(count * width)).map { Int32($0 / width) }
        var values = (0..<(count * width)).map { _ in rng.nextUniform() }
        let (keysBefore, valuesBefore) = (keys, values)
        keys.withUnsafeMutableBufferPointer { k in
            rows.withUnsafeMutableBufferPointer { r in
                values.withUnsafeMutableBufferPointer { v in
                    SortingNetwork(count: count).sortColumns(keys: k.baseAddress!, rows: r.baseAddress!, values: v.baseAddress!, width: width)
                }
            }
        }
        for c in 0..<width {
            let column = (0..<count).map { keysBefore[$0 * width + c] }
            let stable = column.indices.sorted { column[$0] != column[$1] ? column[$0] < column[$1] : $0 < $1 }
            #expect((0..<count).map { Int(rows[$0 * width + c]) } == stable, "column \(c)")
            #expect((0..<count).map { keys[$0 * width + c] } == stable.map { column[$0] }, "column \(c)")
            #expect((0..<count).map { values[$0 * width + c] } == (0..<count).map { valuesBefore[$0 * width + c] }.sorted(), "column \(c)")
        }
    }
}

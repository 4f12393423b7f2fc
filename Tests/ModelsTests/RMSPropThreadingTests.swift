import Engine
import Models
import NN
import XCTest

final class RMSPropThreadingTests: XCTestCase {
    func testMatchesSerialRMSPropAndRestoresState() throws {
        var rng = RandomGenerator(seed: 2)
        let a = Tensor.normal([300, 300], using: &rng).copied(requiresGradient: true)
        let b = a.copied(requiresGradient: true)
        let serial = RMSProp(learningRate: 1e-2, threads: 1), parallel = RMSProp(learningRate: 1e-2, threads: 2)
        for _ in 0..<3 {
            for t in [a, b] { t.zeroGradient(); (t * t * t).sum().backward() }
            serial.update([Parameter(name: "w", tensor: a)])
            parallel.update([Parameter(name: "w", tensor: b)])
        }
        XCTAssertEqual(a.scalars, b.scalars)
        XCTAssertEqual(parallel.state["w.square_avg"]!.scalars, serial.state["w.square_avg"]!.scalars)
        let restored = RMSProp(learningRate: 1e-2)
        try restored.loadState(parallel.state, stepCount: 3)
        XCTAssertEqual(restored.state["w.square_avg"]!.scalars, serial.state["w.square_avg"]!.scalars)
        XCTAssertThrowsError(try restored.loadState(["w.momentum": a], stepCount: 1))
    }
}

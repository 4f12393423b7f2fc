@testable import Engine
import Foundation
import Testing
import TestSupport

@Suite struct UnaryOpTests {
    enum Domain { case any, positive, awayFromZero, clampSafe }

    struct Case: CustomStringConvertible, Sendable {
        let name: String
        let domain: Domain
        let op: @Sendable (Tensor) -> Tensor
        let reference: @Sendable (Float) -> Float
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "exp", domain: .any, op: { $0.exp() }, reference: { Foundation.exp($0) }),
        Case(name: "log", domain: .positive, op: { $0.log() }, reference: { Foundation.log($0) }),
        Case(name: "squareRoot", domain: .positive, op: { $0.squareRoot() }, reference: { $0.squareRoot() }),
        Case(name: "squared", domain: .any, op: { $0.squared() }, reference: { $0 * $0 }),
        Case(name: "abs", domain: .awayFromZero, op: { $0.abs() }, reference: { Swift.abs($0) }),
        Case(name: "relu", domain: .awayFromZero, op: { $0.relu() }, reference: { Swift.max($0, 0) }),
        Case(name: "leakyRelu", domain: .awayFromZero, op: { $0.leakyRelu() }, reference: { $0 > 0 ? $0 : 0.01 * $0 }),
        Case(name: "leakyRelu(0.2)", domain: .awayFromZero, op: { $0.leakyRelu(negativeSlope: 0.2) },
             reference: { $0 > 0 ? $0 : 0.2 * $0 }),
        Case(name: "elu", domain: .awayFromZero, op: { $0.elu() }, reference: { $0 > 0 ? $0 : Foundation.exp($0) - 1 }),
        Case(name: "elu(0.5)", domain: .awayFromZero, op: { $0.elu(alpha: 0.5) },
             reference: { $0 > 0 ? $0 : 0.5 * (Foundation.exp($0) - 1) }),
        Case(name: "sigmoid", domain: .any, op: { $0.sigmoid() }, reference: { 1 / (1 + Foundation.exp(-$0)) }),
        Case(name: "tanh", domain: .any, op: { $0.tanh() }, reference: { Foundation.tanh($0) }),
        Case(name: "clamped", domain: .clampSafe, op: { $0.clamped(min: -0.5, max: 0.5) },
             reference: { Swift.min(Swift.max($0, -0.5), 0.5) }),
        Case(name: "pow(2.5)", domain: .positive, op: { $0.pow(2.5) }, reference: { Foundation.pow($0, 2.5) }),
        Case(name: "pow(-1.5)", domain: .positive, op: { $0.pow(-1.5) }, reference: { Foundation.pow($0, -1.5) }),
        Case(name: "pow(3)", domain: .any, op: { $0.pow(3) }, reference: { $0 * $0 * $0 }),
    ]

    static func input(_ domain: Domain, _ shape: [Int], _ rng: inout RandomGenerator) -> Tensor {
        switch domain {
        case .any: return randomTensor(shape, &rng, low: -1.5, high: 1.5)
        case .positive: return randomTensor(shape, &rng, low: 0.5, high: 2)
        case .awayFromZero: return awayFromZero(shape, &rng)
        case .clampSafe:
            // Values in [-1.5, 1.5] at least 0.1 away from the clamp bounds ±0.5.
            return Tensor(shape: shape, scalars: (0..<elementCount(shape)).map { _ in
                var v: Float
                repeat { v = rng.uniform(-1.5, 1.5) } while Swift.abs(Swift.abs(v) - 0.5) < 0.1
                return v
            })
        }
    }

    @Test(arguments: cases)
    func valuesAndGradients(_ c: Case) {
        var rng = RandomGenerator(seed: UInt64(c.name.utf8.reduce(7) { $0 &* 31 &+ UInt64($1) }))
        for rank in 0...3 {
            let shape = rng.shape(rank: rank)
            let x = Self.input(c.domain, shape, &rng)
            let y = c.op(x)
            #expect(y.shape == shape)
            expectClose(y.scalars, x.scalars.map(c.reference), tolerance: 2e-6)
            expectGradientsMatch([x], "\(c.name) \(shape)") { c.op($0[0]) }
        }
    }

    @Test func handComputedDerivatives() {
        let x = Tensor(shape: [4], scalars: [-2, -0.5, 0.5, 2], requiresGradient: true)
        x.relu().sum().backward()
        #expect(x.gradient!.scalars == [0, 0, 1, 1])
        x.zeroGradient()
        x.abs().sum().backward()
        #expect(x.gradient!.scalars == [-1, -1, 1, 1])
        x.zeroGradient()
        x.clamped(min: -1, max: 1).sum().backward()
        #expect(x.gradient!.scalars == [0, 1, 1, 0])
        x.zeroGradient()
        x.leakyRelu(negativeSlope: 0.1).sum().backward()
        expectClose(x.gradient!.scalars, [0.1, 0.1, 1, 1])
        x.zeroGradient()
        x.squared().sum().backward()
        expectClose(x.gradient!.scalars, [-4, -1, 1, 4])
        // At the kink itself the conventions are: abs′(0) = 0, relu′(0) = 0.
        let zero = Tensor(shape: [1], scalars: [0], requiresGradient: true)
        zero.abs().sum().backward()
        #expect(zero.gradient!.scalars == [0])
        zero.zeroGradient()
        zero.relu().sum().backward()
        #expect(zero.gradient!.scalars == [0])
    }

    @Test func sigmoidAndTanhSaturateWithoutNaN() {
        let x = Tensor(shape: [4], scalars: [-100, -30, 30, 100])
        let s = x.sigmoid().scalars
        #expect(s.allSatisfy { $0.isFinite })
        #expect(s[0] >= 0 && s[0] < 1e-12 && s[3] == 1)
        #expect(x.tanh().scalars == [-1, -1, 1, 1])
        expectClose(Tensor(shape: [1], scalars: [0]).sigmoid(), [0.5])
    }
}

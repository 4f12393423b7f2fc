import Foundation

/// The learning rate at each step of a run: constant, or a linear warm-up over the first `warmup` fraction of
/// the steps followed by a cosine decay to zero at the last step.
public struct LearningRateSchedule: Equatable, Sendable {
    public enum Kind: String, Codable, CaseIterable, Sendable {
        case constant, cosine
    }

    public let kind: Kind
    public let baseRate: Float
    /// Fraction of all steps spent warming up linearly from baseRate / warm-up steps to baseRate.
    public let warmup: Double
    public let totalSteps: Int

    /// `warmup` in [0, 1).
    public init(kind: Kind, baseRate: Float, warmup: Double = 0, totalSteps: Int) throws {
        guard warmup >= 0, warmup < 1 else {
            throw ExperimentError.invalidFlag(flag: "--warmup", value: "\(warmup)", allowed: "must be a fraction in [0, 1)")
        }
        self.kind = kind
        self.baseRate = baseRate
        self.warmup = warmup
        self.totalSteps = max(totalSteps, 1)
    }

    /// The rate for step `step` (0-based).
    public func rate(atStep step: Int) -> Float {
        let warmupSteps = Int((warmup * Double(totalSteps)).rounded())
        if step < warmupSteps { return baseRate * Float(step + 1) / Float(warmupSteps) }
        switch kind {
        case .constant:
            return baseRate
        case .cosine:
            let decaySteps = max(totalSteps - warmupSteps, 1)
            let progress = Double(min(step - warmupSteps, decaySteps)) / Double(decaySteps)
            return baseRate * Float(0.5 * (1 + cos(Double.pi * progress)))
        }
    }
}

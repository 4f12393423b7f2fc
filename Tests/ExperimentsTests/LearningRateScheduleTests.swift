import Testing
@testable import Experiments

@Suite struct LearningRateScheduleTests {
    @Test func constantKeepsTheRate() throws {
        let schedule = try LearningRateSchedule(kind: .constant, baseRate: 0.01, totalSteps: 10)
        #expect((0..<10).map { schedule.rate(atStep: $0) } == Array(repeating: 0.01, count: 10))
    }

    @Test func cosineWarmsUpThenDecaysToZero() throws {
        // 10 steps, 20 % warm-up: steps 0, 1 rise to the base rate; steps 2…10 follow ½(1 + cos(π·k/8)).
        let schedule = try LearningRateSchedule(kind: .cosine, baseRate: 2, warmup: 0.2, totalSteps: 10)
        #expect(schedule.rate(atStep: 0) == 1)
        #expect(schedule.rate(atStep: 1) == 2)
        #expect(schedule.rate(atStep: 2) == 2)
        #expect(abs(schedule.rate(atStep: 6) - 1) < 1e-6)
        #expect(abs(schedule.rate(atStep: 4) - Float(1 + 0.5.squareRoot())) < 1e-6)
        #expect(abs(schedule.rate(atStep: 10)) < 1e-6)
    }

    @Test func warmupsOutsideTheRangeAreRefused() {
        #expect(LearningRateSchedule.Kind(rawValue: "step") == nil)
        #expect(throws: ExperimentError.invalidFlag(flag: "--warmup", value: "-0.1", allowed: "must be a fraction in [0, 1)")) {
            try LearningRateSchedule(kind: .constant, baseRate: 1, warmup: -0.1, totalSteps: 4)
        }
        #expect(throws: ExperimentError.self) { try LearningRateSchedule(kind: .cosine, baseRate: 1, warmup: 1, totalSteps: 4) }
    }
}

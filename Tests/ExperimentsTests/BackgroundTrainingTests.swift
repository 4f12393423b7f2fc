import Engine
import Experiments
import Testing

@Suite struct BackgroundTrainingTests {
    @Test func trainingStepsRunAndStayInRange() throws {
        var c = BackgroundConfiguration()
        c.kind = .diverse
        c.batchSize = 4
        let job = try BackgroundJob(configuration: c)
        let losses = try job.step([], update: StepUpdate(plan: job.plan))
        #expect(losses.count == 4 && losses.allSatisfy(\.isFinite))
        #expect(losses[3] > 0)  // the batch distribution term of the diverse model
        let measures = try job.evaluate(after: 1, final: false)
        #expect(abs(measures[3] - 0) <= 1e-6)  // min
        #expect(abs(measures[4] - 1) <= 1e-6)  // max
        #expect(backgroundsAsRGB(Tensor(repeating: 0, shape: [6, 64, 64])).shape == [2, 64, 64, 3])
    }
}

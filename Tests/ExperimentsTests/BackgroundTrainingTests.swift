import Engine
import Experiments
import Testing

@Suite struct BackgroundTrainingTests {
    @Test func trainingStepsRunAndStayInRange() throws {
        var options = BackgroundTrainingOptions()
        options.kind = "diverse"
        options.batchSize = 4
        let trainer = try BackgroundTrainer(options: options)
        let r = trainer.step()
        #expect(r.loss.isFinite)
        #expect(r.batchTerm > 0)
        #expect(abs(r.samples.scalars.min()! - 0) <= 1e-6)
        #expect(abs(r.samples.scalars.max()! - 1) <= 1e-6)
        #expect(backgroundsAsRGB(Tensor(repeating: 0, shape: [6, 64, 64])).shape == [2, 64, 64, 3])
    }
}

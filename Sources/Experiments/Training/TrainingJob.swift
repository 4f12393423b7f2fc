import Engine
import NN

/// The shape of a job's training: how many epochs of how many batches, and how often the loop measures,
/// samples and saves. A job that walks a dataset sets `trainingCount`; the loop then shuffles its indices every
/// epoch and hands each step its batch of them.
public struct TrainingPlan: Sendable {
    public var epochs: Int
    public var batchSize: Int
    /// Images in the training set, or `nil` for a job that draws its own inputs (noise).
    public var trainingCount: Int?
    /// Batches per epoch for a job without a training set.
    public var stepsPerEpoch = 1
    /// Names of the losses a step returns, in order (`metrics.csv` columns).
    public var lossNames: [String]
    /// What one unit of `epochs` is called in messages and in `metrics.csv` ("epoch", or "step").
    public var unit = "epoch"
    /// The loop measures (and logs a row) after epoch 1, every `evaluateEvery` epochs and after the last.
    public var evaluateEvery = 1
    public var sampleEvery = 1
    public var checkpointEvery = 1
    public var gradientClip: Float?
    /// Whether every gradient is checked for NaN/infinity before the update (a pass over all gradients). Jobs with
    /// large dense layers skip it: a non-finite gradient makes the weights non-finite, which the next step's loss
    /// shows and the check before every save catches.
    public var checksGradients = true
    /// The learning rate of every optimiser at each step; `nil` keeps each optimiser's own rate.
    public var schedule: LearningRateSchedule?
    /// Worker threads for matrix products and convolutions while the loop runs.
    public var threads = 2
    /// Seeds the data-order generator.
    public var seed: UInt64 = 0

    public init(epochs: Int, batchSize: Int, trainingCount: Int?, lossNames: [String]) {
        self.epochs = epochs
        self.batchSize = batchSize
        self.trainingCount = trainingCount
        self.lossNames = lossNames
    }

    public var batchesPerEpoch: Int { trainingCount.map { ($0 + batchSize - 1) / batchSize } ?? stepsPerEpoch }
    public var totalSteps: Int { batchesPerEpoch * epochs }
}

/// What a training job is to the loop: its networks and optimisers, one step, its measures, samples and report.
/// The loop owns everything else — data order, interruption, NaN checks, clipping, the learning-rate schedule,
/// checkpoints, resume, progress and the metrics log.
public protocol TrainingJob: AnyObject {
    static var kind: JobKind { get }
    /// One line describing the model and data, printed when training starts.
    var summary: String { get }
    var plan: TrainingPlan { get }
    /// The networks saved in the run folder; the one named `model` is what inference loads.
    var networks: [SavedNetwork] { get }
    var optimizers: [OptimizerSlot] { get }
    /// The job's own random generators (noise), saved with every checkpoint so a resumed run draws the same.
    var generators: [String: RandomGenerator] { get set }
    /// Strings saved in every network file's metadata (e.g. the image shape inference needs).
    var checkpointMetadata: [String: String] { get }
    /// The names of the measures `evaluate` returns (`metrics.csv` columns after the losses).
    var measureNames: [String] { get }

    /// One training step on `batch` (indices into the training set; empty for a job without one): computes the
    /// losses and hands each to `update` with its optimiser. Returns the values of `plan.lossNames`.
    func step(_ batch: [Int], update: StepUpdate) throws -> [Float]
    /// The measures after `epoch` (`final` after the last), in `measureNames` order.
    func evaluate(after epoch: Int, final: Bool) throws -> [Double]
    func writeSamples(after epoch: Int, in folder: RunFolder) throws
    func writeReport(_ log: MetricsLog, in folder: RunFolder) throws
}

extension TrainingJob {
    public var checkpointMetadata: [String: String] { [:] }
}

/// Applies one optimiser's update for a loss: the loss and the gradients are checked for NaN/infinity (naming the
/// first layer that holds one), the gradients clipped to the plan's norm, the scheduled learning rate set.
public struct StepUpdate {
    let position: TrainingPosition
    let step: Int
    let plan: TrainingPlan

    /// The update of step `step` (0-based over the whole run) at `position`; benchmarks and tests call jobs' steps with it.
    public init(plan: TrainingPlan, position: TrainingPosition = TrainingPosition(), step: Int = 0) {
        self.plan = plan
        self.position = position
        self.step = step
    }

    /// Backpropagates `loss` and updates `slot`'s parameters. The caller zeroes gradients where it needs to.
    public func callAsFunction(_ slot: OptimizerSlot, loss: Tensor) throws {
        let value = loss.scalar
        let epoch = position.epoch + 1, batch = position.batch + 1
        if !value.isFinite {
            // Name the first layer holding a non-finite weight or, when all weights are finite, gradient.
            var layer = firstNonFiniteParameter(slot.parameters, values: true)
            if layer == nil {
                loss.backward()
                layer = firstNonFiniteParameter(slot.parameters)
            }
            throw ExperimentError.nonFiniteLoss(epoch: epoch, batch: batch, value: value, firstLayer: layer)
        }
        loss.backward()
        // Checked before clipping: a non-finite norm would spread NaN to every gradient and hide its source.
        if plan.checksGradients, let bad = firstNonFiniteParameter(slot.parameters) {
            throw ExperimentError.nonFiniteLoss(epoch: epoch, batch: batch, value: value, firstLayer: bad)
        }
        if let clip = plan.gradientClip { clipGradients(slot.parameters, maxNorm: clip) }
        if let schedule = plan.schedule { slot.optimizer.learningRate = schedule.rate(atStep: step) }
        slot.optimizer.update(slot.parameters)
    }
}

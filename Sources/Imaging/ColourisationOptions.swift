/// The choices of one colourisation run: the mode, the first channel edit and the masking threshold.
public struct ColourisationOptions: Sendable, Equatable {
    public var mode: ColourisationMode
    public var firstEdit: FirstChannelEdit
    /// Threshold on the letter (in [−1, 1]) for the two masking modes; 0.35 as the article.
    public var threshold: Float

    public init(mode: ColourisationMode = .colouredBackground, firstEdit: FirstChannelEdit = .transpose, threshold: Float = 0.35) {
        self.mode = mode
        self.firstEdit = firstEdit
        self.threshold = threshold
    }

    public func validate() throws {
        guard threshold >= -1, threshold <= 1, threshold.isFinite else { throw ColourisationError.thresholdOutOfRange(threshold) }
    }
}

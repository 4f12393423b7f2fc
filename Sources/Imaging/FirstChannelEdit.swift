/// How the first channel edit turns channel 0 before writing it into a random channel (spec §2).
public enum FirstChannelEdit: String, Sendable, CaseIterable {
    /// The code: channel 0 transposed.
    case transpose
    /// The article: channel 0 rotated by 90° or 270° (chosen at random).
    case rotate
}

/// The third step of colourisation (spec §2), plus MNIST-M style blending.
public enum ColourisationMode: String, Sendable, CaseIterable {
    /// A random channel ← the letter.
    case letterChannel = "letter-channel"
    /// A random channel += the Laplacian edge map of the letter.
    case edge
    /// Background × (letter > threshold): colour only inside the letter.
    case colouredLetter = "coloured-letter"
    /// Background × (letter < threshold): colour outside, letter pixels 0 (mid-grey once saved).
    case colouredBackground = "coloured-background"
    /// MNIST-M: |background − glyph| with the glyph in [0, 1]; no channel edits.
    case blend
}

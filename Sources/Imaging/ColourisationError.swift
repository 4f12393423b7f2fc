/// Why a letter could not be colourised: bad options or images of the wrong size or channel count.
public enum ColourisationError: Error, CustomStringConvertible, Equatable {
    case thresholdOutOfRange(Float)
    case sizeMismatch(letter: [Int], background: [Int])
    case notGreyscale(channels: Int)
    case notRGB(channels: Int)

    public var description: String {
        switch self {
        case .thresholdOutOfRange(let t): return "threshold \(t) is out of range: letters are in [-1, 1], so the threshold must be in [-1, 1]"
        case .sizeMismatch(let l, let b): return "letter of size \(l[0])x\(l[1]) does not match background of size \(b[0])x\(b[1])"
        case .notGreyscale(let c): return "the letters must be greyscale (1 channel), but the images have \(c) channels"
        case .notRGB(let c): return "a background must have 3 channels, not \(c)"
        }
    }
}

import Data
import Engine

/// Occlusion masks by the names users type.
public enum MaskCatalog {
    /// A `[H, W, 1]` mask, 1 = visible, for `name`.
    public static func mask(named name: String, height: Int, width: Int, seed: UInt64) throws -> Tensor {
        switch name {
        case "bottom":
            // The article's occlusion: rows ⌊W/2⌋+1 … H−1 hidden.
            var scalars = [Float](repeating: 1, count: height * width)
            for row in (width / 2 + 1)..<height { for col in 0..<width { scalars[row * width + col] = 0 } }
            return Tensor(shape: [height, width, 1], scalars: scalars)
        default:
            throw ExperimentError.unknownMask(name)
        }
    }
}

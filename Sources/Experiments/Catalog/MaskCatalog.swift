import Data
import Engine

/// Occlusion masks by the names users type.
public enum MaskCatalog {
    public static let names = ["bottom", "top", "left", "right", "center", "rectangles", "strokes", "PATH.png"]

    /// A `[H, W, 1]` mask, 1 = visible, for `name`: `bottom` is the article's (rows ⌊W/2⌋+1 … H−1 hidden);
    /// `rectangles` and `strokes` are drawn from `seed`; a name ending in `.png` is read from that file.
    public static func mask(named name: String, height: Int, width: Int, seed: UInt64) throws -> Tensor {
        var rng = RandomGenerator(seed: seed &+ 7)
        switch name {
        case "bottom": return OcclusionMask.bottomHalf(height: height, width: width)
        case "top": return OcclusionMask.topHalf(height: height, width: width)
        case "left": return OcclusionMask.leftHalf(height: height, width: width)
        case "right": return OcclusionMask.rightHalf(height: height, width: width)
        case "center", "centre": return OcclusionMask.centredSquare(height: height, width: width, side: min(height, width) / 2)
        case "rectangles":
            return OcclusionMask.randomRectangles(height: height, width: width, count: 3, minSide: max(1, min(height, width) / 8),
                                                  maxSide: max(2, min(height, width) / 3), rng: &rng)
        case "strokes":
            return OcclusionMask.randomStrokes(height: height, width: width, strokes: 4, rng: &rng)
        default:
            if name.lowercased().hasSuffix(".png") { return try OcclusionMask.read(at: name, height: height, width: width) }
            throw ExperimentError.unknownMask(name)
        }
    }
}

import Data
import Engine
import Foundation

/// The masks a user names: the article's bottom half, the other halves, a centred square, random rectangles or
/// brush strokes (drawn from the run's seed), or a PNG file (white = visible).
public enum MaskKind: Equatable, Hashable, Sendable, Codable, LosslessStringConvertible {
    case bottom, top, left, right, center, rectangles, strokes
    case file(String)

    public static let names = ["bottom", "top", "left", "right", "center", "rectangles", "strokes", "FILE.png"]

    /// `bottom`, `top`, …, or a path ending in `.png`; `nil` for anything else.
    public init?(_ name: String) {
        switch name {
        case "bottom": self = .bottom
        case "top": self = .top
        case "left": self = .left
        case "right": self = .right
        case "center", "centre": self = .center
        case "rectangles": self = .rectangles
        case "strokes": self = .strokes
        default:
            guard name.lowercased().hasSuffix(".png") else { return nil }
            self = .file(name)
        }
    }

    public var description: String {
        switch self {
        case .bottom: return "bottom"
        case .top: return "top"
        case .left: return "left"
        case .right: return "right"
        case .center: return "center"
        case .rectangles: return "rectangles"
        case .strokes: return "strokes"
        case .file(let path): return path
        }
    }

    public init(from decoder: Decoder) throws {
        let name = try decoder.singleValueContainer().decode(String.self)
        guard let kind = MaskKind(name) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "unknown mask '\(name)'"))
        }
        self = kind
    }

    public func encode(to encoder: Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

extension ImageMask {
    /// The mask `kind` names for `height` × `width` images; random kinds are drawn from `seed`.
    public init(_ kind: MaskKind, height: Int, width: Int, seed: UInt64) throws {
        let visible: Tensor
        var rng = RandomGenerator(seed: seed &+ 7)
        switch kind {
        case .bottom: visible = OcclusionMask.bottomHalf(height: height, width: width)
        case .top: visible = OcclusionMask.topHalf(height: height, width: width)
        case .left: visible = OcclusionMask.leftHalf(height: height, width: width)
        case .right: visible = OcclusionMask.rightHalf(height: height, width: width)
        case .center: visible = OcclusionMask.centredSquare(height: height, width: width, side: min(height, width) / 2)
        case .rectangles:
            visible = OcclusionMask.randomRectangles(height: height, width: width, count: 3, minSide: max(1, min(height, width) / 8),
                                                     maxSide: max(2, min(height, width) / 3), rng: &rng)
        case .strokes: visible = OcclusionMask.randomStrokes(height: height, width: width, strokes: 4, rng: &rng)
        case .file(let path): visible = try OcclusionMask.read(at: path, height: height, width: width)
        }
        try self.init(visible: visible)
    }
}

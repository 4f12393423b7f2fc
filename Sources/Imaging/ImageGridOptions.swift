/// How `makeImageGrid` lays out and scales tiles (defaults as torchvision's `make_grid`).
public struct ImageGridOptions: Sendable {
    /// Tiles per row; the number of rows follows from the image count.
    public var imagesPerRow: Int
    /// Pixels of border around and between tiles.
    public var padding: Int
    /// The value of border pixels (after scaling).
    public var padValue: Float
    /// When set, values are clamped to this range and mapped linearly onto [0, 1]; otherwise they are clamped to [0, 1].
    public var valueRange: ClosedRange<Float>?
    /// One caption per image, drawn under its tile with the built-in 5x7 font and cut to the tile's width.
    public var labels: [String]?
    /// The value of caption pixels.
    public var labelValue: Float

    public init(imagesPerRow: Int = 8, padding: Int = 2, padValue: Float = 0, valueRange: ClosedRange<Float>? = nil,
                labels: [String]? = nil, labelValue: Float = 1) {
        self.imagesPerRow = imagesPerRow
        self.padding = padding
        self.padValue = padValue
        self.valueRange = valueRange
        self.labels = labels
        self.labelValue = labelValue
    }

    /// Rows of caption space under each tile when labels are drawn: one blank row, the glyphs, one blank row.
    public static let labelHeight = BitmapFont.glyphHeight + 2
}

import Imaging

/// How `ImageFolderDataset` turns files into same-sized samples: centre crop, then bilinear resize,
/// then channel conversion, then rounding to 8 bits.
public struct ImageFolderOptions: Sendable {
    /// Centre-crop every image to this width and height first (torchvision `center_crop` placement).
    public var centreCrop: (width: Int, height: Int)?
    /// Resize every image to this width and height (bilinear, half-pixel centres, no antialias).
    public var resize: (width: Int, height: Int)?
    /// Convert every image to this many channels (1, 3 or 4); by default the first image's count.
    public var channels: Int?
    /// Load at most this many images (the first in sorted path order).
    public var limit: Int?

    public init(centreCrop: (width: Int, height: Int)? = nil, resize: (width: Int, height: Int)? = nil,
                channels: Int? = nil, limit: Int? = nil) {
        self.centreCrop = centreCrop
        self.resize = resize
        self.channels = channels
        self.limit = limit
    }
}

/// Labeled Faces in the Wild, deep-funneled: a folder per person (`lfw-deepfunneled/<Person_Name>/*.jpg`,
/// 250x250 RGB). Classes are people. Default preprocessing as the autoencoder study: centre 90x90 crop
/// (80 px off every side), bilinear resize to 45x45.
public enum LFWDataset {
    /// Loads every face under `folder`, cropping the centre `crop` x `crop` square and resizing to `size` x `size`.
    public static func load(from folder: String, crop: Int = 90, size: Int = 45, limit: Int? = nil) throws -> ImageDataset {
        guard crop > 0, size > 0 else { throw DataError.invalidArgument("LFW crop and size must be positive (got \(crop), \(size))") }
        let options = ImageFolderOptions(centreCrop: (crop, crop), resize: (size, size), channels: 3, limit: limit)
        return try ImageFolderDataset.load(from: folder, options: options, name: "LFW deep-funneled")
    }
}

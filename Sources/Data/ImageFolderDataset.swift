import Dispatch
import Engine
import Foundation
import Imaging


/// A folder of PNG/JPEG files, searched recursively. An image's class is the name of the top-level
/// subfolder holding it (images directly in the folder form a class named after the folder); class
/// names are sorted, as torchvision's `ImageFolder`. Files are recognised by extension
/// (`.png`, `.jpg`, `.jpeg`, any case) and decoded by their signature; hidden entries are skipped.
public enum ImageFolderDataset {
    /// One image file and its class name.
    public struct Entry: Equatable, Sendable {
        public let path: String
        public let className: String
    }

    /// The image files under `folder`, sorted by path.
    public static func entries(in folder: String) throws -> [Entry] {
        let root = folder.hasSuffix("/") && folder.count > 1 ? String(folder.dropLast()) : folder
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: root, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw DataError.unrecognised(path: root, reason: "not a folder")
        }
        guard let walker = FileManager.default.enumerator(atPath: root) else {
            throw FileReadError.cannotOpen(path: root, reason: "cannot list the folder")
        }
        let rootName = root.split(separator: "/").last.map(String.init) ?? root
        var entries: [Entry] = []
        while let relative = walker.nextObject() as? String {
            let components = relative.split(separator: "/")
            if components.contains(where: { $0.hasPrefix(".") }) { continue }
            guard ImageFormat.fromExtension(of: relative) != nil else { continue }
            let path = root + "/" + relative
            guard ReadableFile.isReadable(at: path) else { continue } // directories named *.png, broken links
            entries.append(Entry(path: path, className: components.count > 1 ? String(components[0]) : rootName))
        }
        return entries.sorted { $0.path < $1.path }
    }

    /// Loads every image under `folder` (decoding in parallel); all must end up the same size.
    public static func load(from folder: String, options: ImageFolderOptions = ImageFolderOptions(), name: String? = nil) throws -> ImageDataset {
        var files = try entries(in: folder)
        if let limit = options.limit { files = Array(files.prefix(max(limit, 0))) }
        guard !files.isEmpty else { throw DataError.noImages(folder: folder) }
        if let channels = options.channels, ![1, 3, 4].contains(channels) {
            throw DataError.invalidArgument("image channels must be 1, 3 or 4, not \(channels)")
        }
        // The first image fixes the sample size unless a resize was requested.
        let first = try prepare(readImage(at: files[0].path), path: files[0].path, options: options, channels: options.channels)
        let height = first.height, width = first.width, channels = first.channels
        let size = height * width * channels
        let classNames = Array(Set(files.map(\.className))).sorted()
        let classIndex = Dictionary(uniqueKeysWithValues: classNames.enumerated().map { ($1, $0) })
        let labels = files.map { classIndex[$0.className]! }

        let failures = FailureBox()
        let pixels = [UInt8](unsafeUninitializedCapacity: files.count * size) { out, initialised in
            let base = out.baseAddress!
            DispatchQueue.concurrentPerform(iterations: files.count) { i in
                guard !failures.hasFailure else { return }
                do {
                    let image = i == 0 ? first : try prepare(readImage(at: files[i].path), path: files[i].path,
                                                                 options: options, channels: channels)
                    guard image.width == width, image.height == height else {
                        throw DataError.imageSizeMismatch(path: files[i].path, found: [image.width, image.height], expected: [width, height])
                    }
                    image.bytes.withUnsafeBufferPointer { (base + i * size).update(from: $0.baseAddress!, count: size) }
                } catch {
                    failures.record(error, at: i)
                }
            }
            initialised = files.count * size
        }
        if let error = failures.first { throw error }
        return ImageDataset(name: name ?? (folder.split(separator: "/").last.map(String.init) ?? folder),
                            height: height, width: width, channels: channels, pixels: pixels, labels: labels, classNames: classNames)
    }

    /// Applies crop, resize and channel conversion to one decoded image.
    static func prepare(_ image: Image, path: String, options: ImageFolderOptions, channels: Int?) throws -> Image {
        var result = image
        if let crop = options.centreCrop {
            guard crop.width <= image.width, crop.height <= image.height else {
                throw DataError.imageSmallerThanCrop(path: path, found: [image.width, image.height], crop: [crop.width, crop.height])
            }
            result = try result.centreCropped(width: crop.width, height: crop.height)
        }
        if let size = options.resize { result = result.resized(width: size.width, height: size.height) }
        if let channels { result = result.converted(toChannels: channels) }
        return result
    }
}

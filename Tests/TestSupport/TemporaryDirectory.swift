import Foundation

/// A fresh directory under the system temporary folder, removed with everything in it when the value is released,
/// so a test cleans up even when it fails half-way.
public final class TemporaryDirectory {
    public let path: String

    public init() {
        path = NSTemporaryDirectory() + "imagegen-tests-" + UUID().uuidString
        try! FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// The path of `name` inside the directory (which need not exist yet).
    public func file(_ name: String) -> String { path + "/" + name }

    /// Writes `bytes` to `name` (creating folders on the way) and returns its path.
    @discardableResult
    public func write(_ bytes: [UInt8], to name: String) -> String {
        let target = file(name)
        makeFolder((name as NSString).deletingLastPathComponent)
        _ = FileManager.default.createFile(atPath: target, contents: Data(bytes))
        return target
    }

    /// Creates the folder `name` (and its parents) and returns its path.
    @discardableResult
    public func makeFolder(_ name: String) -> String {
        try! FileManager.default.createDirectory(atPath: file(name), withIntermediateDirectories: true)
        return file(name)
    }
}

/// Sequential bytes from a plain or gzip-compressed file.
protocol ByteSource: AnyObject {
    /// Fills `buffer`; fewer bytes only at the end.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int
}

extension GzipReader: ByteSource {}

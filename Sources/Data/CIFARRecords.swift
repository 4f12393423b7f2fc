import Engine

/// Decoding of the CIFAR binary format: fixed-size records of label bytes followed by a 32x32 RGB
/// image stored planar (1024 red, then 1024 green, then 1024 blue values, each row by row).
enum CIFARRecords {
    static let side = 32
    static let imageBytes = 3072

    /// Decodes every record of the file at `path` into HWC pixels and the label at `labelByte`.
    static func decode(path: String, labelBytes: Int, labelByte: Int, classCount: Int) throws -> (pixels: [UInt8], labels: [Int]) {
        let data = try ReadableFile.contents(at: path)
        let recordSize = labelBytes + imageBytes
        guard !data.isEmpty, data.count % recordSize == 0 else {
            throw DataError.partialRecord(path: path, size: data.count, recordSize: recordSize)
        }
        let count = data.count / recordSize
        var labels = [Int](repeating: 0, count: count)
        var failure: DataError?
        let pixels = [UInt8](unsafeUninitializedCapacity: count * imageBytes) { out, initialised in
            data.withUnsafeBufferPointer { src in
                for n in 0..<count {
                    let record = n * recordSize
                    let label = Int(src[record + labelByte])
                    if label >= classCount, failure == nil {
                        failure = .labelOutOfRange(path: path, index: n, label: label, classCount: classCount)
                    }
                    labels[n] = label
                    let red = record + labelBytes, green = red + 1024, blue = green + 1024
                    let to = n * imageBytes
                    for p in 0..<1024 {
                        out[to + 3 * p] = src[red + p]
                        out[to + 3 * p + 1] = src[green + p]
                        out[to + 3 * p + 2] = src[blue + p]
                    }
                }
            }
            initialised = count * imageBytes
        }
        if let failure { throw failure }
        return (pixels, labels)
    }

    /// Label names from a text file with one name per line (blank lines ignored), or `fallback` when
    /// the file does not exist. A file with the wrong number of names is an error.
    static func labelNames(at path: String, expected: Int, fallback: [String]) throws -> [String] {
        guard ReadableFile.isReadable(at: path) else { return fallback }
        let text = try ReadableFile.text(at: path)
        let names = text.split(whereSeparator: \.isNewline)
            .map(trimmed)
            .filter { !$0.isEmpty }
        guard names.count == expected else { throw DataError.badLabelNames(path: path, found: names.count, expected: expected) }
        return names
    }

    /// `line` without leading and trailing whitespace.
    static func trimmed(_ line: Substring) -> String {
        var slice = line
        while let first = slice.first, first.isWhitespace { slice = slice.dropFirst() }
        while let last = slice.last, last.isWhitespace { slice = slice.dropLast() }
        return String(slice)
    }

    /// `folder` itself when it holds `marker`, else `folder/<subfolder>` when that does.
    static func resolve(folder: String, subfolder: String, marker: String) -> String {
        let trimmed = folder.hasSuffix("/") ? String(folder.dropLast()) : folder
        if ReadableFile.isReadable(at: trimmed + "/" + marker) { return trimmed }
        let nested = trimmed + "/" + subfolder
        if ReadableFile.isReadable(at: nested + "/" + marker) { return nested }
        return trimmed
    }
}

import Engine
import Foundation

/// Problems found in a safetensors file. Every check happens before any tensor data is read.
public enum SafeTensorsError: Error, CustomStringConvertible, Equatable {
    case unreadable(path: String, reason: String)
    case tooSmall(path: String, size: Int)
    case headerLength(path: String, length: UInt64, fileSize: Int)
    case headerNotJSON(path: String)
    case badEntry(path: String, name: String, problem: String)
    case overlapping(path: String, first: String, second: String)

    public var description: String {
        switch self {
        case .unreadable(let path, let reason): return "\(path): cannot read: \(reason)"
        case .tooSmall(let path, let size): return "\(path): \(size) bytes is too small for a safetensors file (needs an 8-byte header length)"
        case .headerLength(let path, let length, let size):
            return "\(path): header length \(length) does not fit in a file of \(size) bytes (or exceeds 100 MB)"
        case .headerNotJSON(let path): return "\(path): the header is not a JSON object"
        case .badEntry(let path, let name, let problem): return "\(path): tensor '\(name)': \(problem)"
        case .overlapping(let path, let a, let b): return "\(path): tensors '\(a)' and '\(b)' overlap in the data section"
        }
    }
}

/// The safetensors format: an 8-byte little-endian header length, a JSON header naming each tensor's
/// dtype, shape and byte range, then raw little-endian data. Only F32 tensors are read and written.
public enum SafeTensors {
    public static let maximumHeaderLength = 100 << 20

    /// Writes `tensors` (and string `metadata`) atomically to `path`.
    public static func write(_ tensors: [String: Tensor], metadata: [String: String] = [:], to path: String) throws {
        var entries: [String] = []
        var offset = 0
        let names = tensors.keys.sorted()
        for name in names {
            let t = tensors[name]!
            let end = offset + t.scalarCount * 4
            entries.append("\(jsonString(name)):{\"dtype\":\"F32\",\"shape\":[\(t.shape.map(String.init).joined(separator: ","))],\"data_offsets\":[\(offset),\(end)]}")
            offset = end
        }
        if !metadata.isEmpty {
            let pairs = metadata.keys.sorted().map { "\(jsonString($0)):\(jsonString(metadata[$0]!))" }
            entries.insert("\"__metadata__\":{\(pairs.joined(separator: ","))}", at: 0)
        }
        var header = Array("{\(entries.joined(separator: ","))}".utf8)
        while header.count % 8 != 0 { header.append(0x20) }
        var bytes = [UInt8]()
        bytes.reserveCapacity(8 + header.count + offset)
        var length = UInt64(header.count).littleEndian
        withUnsafeBytes(of: &length) { bytes.append(contentsOf: $0) }
        bytes.append(contentsOf: header)
        for name in names {
            let t = tensors[name]!
            UnsafeRawBufferPointer(start: t.storage.pointer, count: t.scalarCount * 4).withMemoryRebound(to: UInt8.self) {
                bytes.append(contentsOf: $0)
            }
        }
        try AtomicFile.write(bytes, to: path)
    }

    /// Reads the tensors (those `including` accepts; all by default) and the metadata of `path`, validating the
    /// whole header against the file size first. Only the accepted tensors' bytes are read from the file.
    public static func read(_ path: String, including: ((String) -> Bool)? = nil) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        let file = try SafeTensorsFile(path: path)
        var tensors: [String: Tensor] = [:]
        for name in file.shapes.keys where including?(name) ?? true { tensors[name] = try file.tensor(name) }
        return (tensors, file.metadata)
    }

    /// The metadata of `path`, read from its header alone (the header is validated as in `read`).
    public static func readMetadata(_ path: String) throws -> [String: String] {
        try SafeTensorsFile(path: path).metadata
    }

    /// Parses safetensors bytes; `path` names the source in errors.
    public static func parse(_ data: Data, path: String, including: ((String) -> Bool)? = nil) throws -> (tensors: [String: Tensor], metadata: [String: String]) {
        // Offsets below are from the start of the file; a slice of a larger `Data` keeps its parent's indices.
        let data = data.startIndex == 0 ? data : Data(data)
        let size = data.count
        guard size >= 8 else { throw SafeTensorsError.tooSmall(path: path, size: size) }
        let headerEnd = try headerEnd(lengthBytes: Array(data.prefix(8)), fileSize: size, path: path)
        let (metadata, ranges) = try parseHeader(data, headerEnd: headerEnd, dataSize: size - headerEnd, path: path)
        var tensors: [String: Tensor] = [:]
        data.withUnsafeBytes { raw in
            for r in ranges where including?(r.name) ?? true {
                let storage = TensorStorage(count: (r.end - r.begin) / 4, zeroed: false)
                UnsafeMutableRawBufferPointer(start: storage.pointer, count: r.end - r.begin)
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: raw[(headerEnd + r.begin)..<(headerEnd + r.end)]))
                tensors[r.name] = Tensor(shape: r.shape, storage: storage)
            }
        }
        return (tensors, metadata)
    }

    /// Where the header ends (8 + its length, read little-endian from the first 8 bytes), checked against
    /// the file size and the header limit.
    static func headerEnd(lengthBytes: [UInt8], fileSize size: Int, path: String) throws -> Int {
        let length = lengthBytes.enumerated().reduce(UInt64(0)) { $0 | UInt64($1.element) << (8 * UInt64($1.offset)) }
        guard length <= UInt64(size - 8), length <= UInt64(maximumHeaderLength) else {
            throw SafeTensorsError.headerLength(path: path, length: length, fileSize: size)
        }
        return 8 + Int(length)
    }

    typealias ByteRange = (name: String, begin: Int, end: Int, shape: [Int])

    /// Validates the JSON header in `data[8..<headerEnd]` against a data section of `dataSize` bytes.
    static func parseHeader(_ data: Data, headerEnd: Int, dataSize: Int, path: String) throws -> (metadata: [String: String], ranges: [ByteRange]) {
        guard let object = try? JSONSerialization.jsonObject(with: data.subdata(in: 8..<headerEnd)),
              let header = object as? [String: Any] else { throw SafeTensorsError.headerNotJSON(path: path) }
        var metadata: [String: String] = [:]
        var ranges: [ByteRange] = []
        for (name, value) in header {
            if name == "__metadata__" {
                guard let dict = value as? [String: Any] else {
                    throw SafeTensorsError.badEntry(path: path, name: name, problem: "metadata is not an object")
                }
                for (k, v) in dict {
                    guard let s = v as? String else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "metadata value for '\(k)' is not a string") }
                    metadata[k] = s
                }
                continue
            }
            guard let entry = value as? [String: Any] else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "entry is not an object") }
            guard let dtype = entry["dtype"] as? String else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "no dtype") }
            guard dtype == "F32" else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "dtype \(dtype) is not supported (expected F32)") }
            guard let shapeValues = entry["shape"] as? [Any], let offsets = entry["data_offsets"] as? [Any], offsets.count == 2 else {
                throw SafeTensorsError.badEntry(path: path, name: name, problem: "shape or data_offsets missing")
            }
            let shape = try shapeValues.map { v -> Int in
                guard let n = (v as? NSNumber)?.int64Value, n >= 0, n <= Int64(Int32.max) else {
                    throw SafeTensorsError.badEntry(path: path, name: name, problem: "invalid dimension \(v)")
                }
                return Int(n)
            }
            let bounds = try offsets.map { v -> Int in
                guard let n = (v as? NSNumber)?.int64Value, n >= 0, n <= Int64(dataSize) else {
                    throw SafeTensorsError.badEntry(path: path, name: name, problem: "data offset \(v) outside the \(dataSize)-byte data section")
                }
                return Int(n)
            }
            var count = 1
            for d in shape {
                let (product, overflow) = count.multipliedReportingOverflow(by: d)
                guard !overflow, product <= dataSize else {
                    throw SafeTensorsError.badEntry(path: path, name: name, problem: "shape \(shape) is larger than the file")
                }
                count = product
            }
            guard bounds[0] <= bounds[1], bounds[1] - bounds[0] == count * 4 else {
                throw SafeTensorsError.badEntry(path: path, name: name,
                                                problem: "byte range \(bounds[0])..<\(bounds[1]) does not hold \(count) F32 values of shape \(shape)")
            }
            ranges.append((name, bounds[0], bounds[1], shape))
        }
        ranges.sort { ($0.begin, $0.end) < ($1.begin, $1.end) }
        for (a, b) in zip(ranges, ranges.dropFirst()) where b.begin < a.end {
            throw SafeTensorsError.overlapping(path: path, first: a.name, second: b.name)
        }
        return (metadata, ranges)
    }

    static func jsonString(_ s: String) -> String {
        var out = "\""
        for scalar in s.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}

/// An open safetensors file whose header has been validated against its size: the names, shapes and metadata
/// are known, and each tensor's bytes are read on request, into a new tensor or straight into a caller's buffer.
public final class SafeTensorsFile {
    public let path: String
    public let metadata: [String: String]
    /// Every tensor's shape, by name.
    public let shapes: [String: [Int]]
    private let descriptor: Int32
    private let dataStart: Int
    private let ranges: [String: (begin: Int, end: Int)]

    public init(path: String) throws {
        self.path = path
        let descriptor = open(path, O_RDONLY)
        self.descriptor = descriptor
        guard descriptor >= 0 else {
            let reason = errno == ENOENT ? "no such file" : String(cString: strerror(errno))
            throw SafeTensorsError.unreadable(path: path, reason: reason)
        }
        do {
            var status = stat()
            guard fstat(descriptor, &status) == 0, (status.st_mode & S_IFMT) == S_IFREG else {
                throw SafeTensorsError.unreadable(path: path, reason: "not a regular file")
            }
            let size = Int(status.st_size)
            guard size >= 8 else { throw SafeTensorsError.tooSmall(path: path, size: size) }
            var prefix = [UInt8](repeating: 0, count: 8)
            try prefix.withUnsafeMutableBytes { try Self.read(descriptor, path: path, into: $0.baseAddress!, count: 8, at: 0) }
            let headerEnd = try SafeTensors.headerEnd(lengthBytes: prefix, fileSize: size, path: path)
            var bytes = Data(count: headerEnd)
            try bytes.withUnsafeMutableBytes { try Self.read(descriptor, path: path, into: $0.baseAddress!, count: headerEnd, at: 0) }
            let (metadata, entries) = try SafeTensors.parseHeader(bytes, headerEnd: headerEnd, dataSize: size - headerEnd, path: path)
            self.metadata = metadata
            shapes = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, $0.shape) })
            ranges = Dictionary(uniqueKeysWithValues: entries.map { ($0.name, ($0.begin, $0.end)) })
            dataStart = headerEnd
        } catch {
            close(descriptor)
            throw error
        }
    }

    deinit { close(descriptor) }

    /// Tensor `name` as a new tensor.
    public func tensor(_ name: String) throws -> Tensor {
        guard let shape = shapes[name] else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "no such tensor") }
        let storage = TensorStorage(count: shape.reduce(1, *), zeroed: false)
        try read(name, into: storage.pointer)
        return Tensor(shape: shape, storage: storage)
    }

    /// Reads tensor `name`'s values into `destination`, which has room for all of them.
    public func read(_ name: String, into destination: UnsafeMutablePointer<Float>) throws {
        guard let range = ranges[name] else { throw SafeTensorsError.badEntry(path: path, name: name, problem: "no such tensor") }
        try Self.read(descriptor, path: path, into: UnsafeMutableRawPointer(destination), count: range.end - range.begin,
                      at: dataStart + range.begin)
    }

    /// Reads exactly `count` bytes at `offset`.
    private static func read(_ descriptor: Int32, path: String, into buffer: UnsafeMutableRawPointer, count: Int, at offset: Int) throws {
        var done = 0
        while done < count {
            let n = pread(descriptor, buffer + done, count - done, off_t(offset + done))
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else {
                throw SafeTensorsError.unreadable(path: path, reason: n == 0 ? "file ended at byte \(offset + done) (truncated while reading?)"
                                                                             : String(cString: strerror(errno)))
            }
            done += n
        }
    }
}

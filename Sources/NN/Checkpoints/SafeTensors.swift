import Engine
import Foundation

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

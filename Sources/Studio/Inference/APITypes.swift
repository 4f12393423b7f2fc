import Experiments
import Foundation

/// The bodies of the API, as `Resources/openapi.json` describes them.
public struct RunList: Codable, Sendable {
    public var root: String
    public var runs: [RunSummary]
}

public struct MetricsTable: Codable, Sendable {
    public var columns: [String]
    /// `nil` where a row has no value (an empty cell of `metrics.csv`).
    public var rows: [[Double?]]

    init(_ log: MetricsLog?) {
        columns = log?.columns ?? []
        rows = log?.rows.map { $0.map { $0.isFinite ? $0 : nil } } ?? []
    }
}

public struct RunProgress: Codable, Sendable {
    public var status: RunSummary.Status
    public var progress: RunSummary.Progress?
    public var updated: String
    public var metrics: MetricsTable
}

public struct TestImage: Codable, Sendable {
    public var index: Int
    public var count: Int
    /// "test", or "validation" for a dataset without a test partition (an image folder).
    public var split: String
    public var label: Int
    public var className: String
    public var image: String
}

public struct CompletionRequest: Codable, Sendable {
    public var run: String
    public var image: String
    public var mask: String?
    public var samples: Int?
    public var temperature: Double?
    public var seed: UInt64?
    static let fields: Set<String> = ["run", "image", "mask", "samples", "temperature", "seed"]

    public init(run: String, image: String, mask: String? = nil, samples: Int? = nil, temperature: Double? = nil, seed: UInt64? = nil) {
        self.run = run
        self.image = image
        self.mask = mask
        self.samples = samples
        self.temperature = temperature
        self.seed = seed
    }
}

public struct CompletionResult: Codable, Sendable {
    public var run: String
    public var model: String
    public var takesMask: Bool
    public var sampling: Bool
    public var note: String?
    public var conversion: [String]
    public var width: Int
    public var height: Int
    public var channels: Int
    public var original: String
    public var occluded: String
    public var mask: String
    public var completions: [String]
    public var mean: String?
    public var hiddenPixels: Int
    public var hiddenMSE: Double
    public var sampleMSE: [Double]
    public var psnr: Double
    public var milliseconds: Double
    /// Images in the forward pass that served this request (1 when it ran alone).
    public var batch: Int
}

public struct BackgroundRequest: Codable, Sendable {
    public var run: String
    public var count: Int?
    public var seed: UInt64?
    static let fields: Set<String> = ["run", "count", "seed"]
}

public struct BackgroundResult: Codable, Sendable {
    public var run: String
    public var kind: String
    public var images: [String]
    public var grid: String
    public var diversity: Double
    public var smoothness: Double
    public var coverage: Double
}

public struct LetterRequest: Codable, Sendable {
    public var run: String
    public var text: String
    public var backgroundRun: String?
    public var mode: String?
    public var seed: UInt64?
    static let fields: Set<String> = ["run", "text", "backgroundRun", "mode", "seed"]
}

public struct LetterResult: Codable, Sendable {
    public var run: String
    public var text: String
    public var mode: String
    public var image: String
    public var letters: [String]
}

/// Decodes a JSON body into `T`, refusing unknown fields (a misspelt `samlpes` is an error, not a default) and
/// naming the field that is missing or of the wrong type.
func decodeBody<T: Decodable>(_ type: T.Type, from bytes: [UInt8], fields: Set<String>) throws -> T {
    let data = Data(bytes)
    guard let object = (try? JSONSerialization.jsonObject(with: data)) as? [String: Any] else {
        throw StudioError.badRequest("the body is not a JSON object")
    }
    if let unknown = object.keys.sorted().first(where: { !fields.contains($0) }) {
        throw StudioError.badRequest("unknown field '\(unknown)' (expected \(fields.sorted().joined(separator: ", ")))")
    }
    do {
        return try JSONDecoder().decode(T.self, from: data)
    } catch let DecodingError.keyNotFound(key, _) {
        throw StudioError.badRequest("missing field '\(key.stringValue)'")
    } catch let DecodingError.typeMismatch(_, context), let DecodingError.valueNotFound(_, context) {
        throw StudioError.badRequest("field '\(context.codingPath.map(\.stringValue).joined(separator: "."))' has the wrong type: \(context.debugDescription)")
    } catch let DecodingError.dataCorrupted(context) {
        throw StudioError.badRequest("field '\(context.codingPath.map(\.stringValue).joined(separator: "."))': \(context.debugDescription)")
    } catch {
        throw StudioError.badRequest("the body does not fit the request schema: \(error)")
    }
}

/// JSON for a response body, keys sorted so that equal results are equal bytes.
func encodeBody<T: Encodable>(_ value: T) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    encoder.nonConformingFloatEncodingStrategy = .convertToString(positiveInfinity: "inf", negativeInfinity: "-inf", nan: "nan")
    return [UInt8]((try? encoder.encode(value)) ?? Data("{}".utf8))
}

import Engine
import Foundation

/// The directory of the committed fixtures, found next to this source file (no bundle resources needed).
let fixtureDirectory: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

struct FixtureError: Error, CustomStringConvertible {
    let description: String
}

/// A JSON fixture written by `Fixtures/make_fixtures.py`: named arrays in torch's layouts.
struct Fixture {
    let name: String
    let arrays: [String: Tensor]

    init(_ name: String) throws {
        let url = fixtureDirectory.appendingPathComponent(name)
        let data = try Data(contentsOf: url)
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw FixtureError(description: "\(name) is not a JSON object")
        }
        var arrays: [String: Tensor] = [:]
        for (key, value) in object {
            guard let dict = value as? [String: Any], let shape = dict["shape"] as? [Int], let values = dict["data"] as? [Double] else {
                throw FixtureError(description: "\(name): entry \(key) is malformed")
            }
            arrays[key] = Tensor(shape: shape, scalars: values.map { Float($0) })
        }
        self.name = name
        self.arrays = arrays
    }

    subscript(_ key: String) -> Tensor {
        guard let t = arrays[key] else { fatalError("fixture \(name) has no array \(key)") }
        return t
    }
}

extension Tensor {
    /// NCHW → NHWC (images) or torch conv weight → our layout: both are permutation (0, 2, 3, 1).
    var nchwToNHWC: Tensor { withoutGradients { permuted([0, 2, 3, 1]) } }
}

import Engine

/// A seeded division of `0 ..< count` into training and validation indices.
///
/// The validation part holds `round(count * validationFraction)` indices drawn by a permutation from
/// `RandomGenerator(seed:)`; both parts are returned in ascending order. The same seed always gives
/// the same split.
public struct DatasetSplit: Equatable, Sendable {
    public let training: [Int]
    public let validation: [Int]

    public init(count: Int, validationFraction: Double = 0.2, seed: UInt64) throws {
        guard validationFraction >= 0, validationFraction <= 1 else {
            throw DataError.invalidArgument("validation fraction must be in 0…1, not \(validationFraction)")
        }
        var rng = RandomGenerator(seed: seed)
        let order = rng.permutation(count)
        let validationCount = Int((Double(count) * validationFraction).rounded())
        validation = order[..<validationCount].sorted()
        training = order[validationCount...].sorted()
    }
}

import Engine
import Foundation

/// The Fréchet distance between two Gaussians fitted to feature vectors: ‖μ₁ − μ₂‖² + tr(Σ₁ + Σ₂ − 2 (Σ₁Σ₂)^½),
/// FID's formula (Heusel et al., 2017). ImageGen applies it to the penultimate layer of its own judge classifier,
/// not to Inception features, so its values are not comparable with published FID numbers.
public struct FeatureStatistics: Sendable {
    public let mean: [Double]
    /// Row-major `d × d`, normalised by `n − 1`.
    public let covariance: [Double]
    public var dimension: Int { mean.count }

    /// The mean and covariance of the rows of `features` (`[N, d]`, N ≥ 2).
    public init(_ features: Tensor) {
        let (n, d) = (features.shape[0], features.shape[1])
        precondition(n >= 2, "feature statistics need at least two rows, got \(n)")
        let x = features.storage.pointer
        var mean = [Double](repeating: 0, count: d)
        for r in 0..<n { for j in 0..<d { mean[j] += Double(x[r * d + j]) } }
        for j in 0..<d { mean[j] /= Double(n) }
        var covariance = [Double](repeating: 0, count: d * d)
        var centred = [Double](repeating: 0, count: d)
        for r in 0..<n {
            for j in 0..<d { centred[j] = Double(x[r * d + j]) - mean[j] }
            for i in 0..<d where centred[i] != 0 {
                let ci = centred[i]
                for j in i..<d { covariance[i * d + j] += ci * centred[j] }
            }
        }
        for i in 0..<d { for j in i..<d { covariance[i * d + j] /= Double(n - 1); covariance[j * d + i] = covariance[i * d + j] } }
        self.mean = mean
        self.covariance = covariance
    }

    public init(mean: [Double], covariance: [Double]) {
        precondition(covariance.count == mean.count * mean.count, "covariance must be \(mean.count)×\(mean.count)")
        self.mean = mean
        self.covariance = covariance
    }

    /// The Fréchet distance to `other`. tr((Σ₁Σ₂)^½) is computed as the sum of the square roots of the eigenvalues
    /// of Σ₁^½ Σ₂ Σ₁^½, a symmetric matrix, so only symmetric eigendecompositions (Jacobi) are needed.
    public func frechetDistance(to other: FeatureStatistics) -> Double {
        let d = dimension
        precondition(other.dimension == d, "feature sizes \(d) and \(other.dimension) differ")
        var distance = 0.0
        for j in 0..<d { distance += (mean[j] - other.mean[j]) * (mean[j] - other.mean[j]) }
        for j in 0..<d { distance += covariance[j * d + j] + other.covariance[j * d + j] }
        let (values, vectors) = SymmetricEigen.decompose(covariance, dimension: d)
        // Σ₁^½ = V diag(√λ) Vᵀ
        var root = [Double](repeating: 0, count: d * d)
        for i in 0..<d {
            for j in 0..<d {
                var s = 0.0
                for k in 0..<d { s += vectors[i * d + k] * Swift.max(values[k], 0).squareRoot() * vectors[j * d + k] }
                root[i * d + j] = s
            }
        }
        let product = SymmetricEigen.multiply(SymmetricEigen.multiply(root, other.covariance, d), root, d)
        var symmetric = product
        for i in 0..<d { for j in 0..<d { symmetric[i * d + j] = 0.5 * (product[i * d + j] + product[j * d + i]) } }
        let traceRoot = SymmetricEigen.decompose(symmetric, dimension: d).values.reduce(0) { $0 + Swift.max($1, 0).squareRoot() }
        return distance - 2 * traceRoot
    }
}

/// Eigenvalues and eigenvectors of a symmetric matrix by cyclic Jacobi rotations, in Double: about 10 sweeps for
/// the 128 × 128 covariances of the judge's features, a few hundred milliseconds.
enum SymmetricEigen {
    /// `values[k]` with eigenvector column `k` of row-major `vectors`.
    static func decompose(_ matrix: [Double], dimension n: Int) -> (values: [Double], vectors: [Double]) {
        var a = matrix
        var v = [Double](repeating: 0, count: n * n)
        for i in 0..<n { v[i * n + i] = 1 }
        let scale = Swift.max(a.map(abs).max() ?? 0, Double.leastNormalMagnitude)
        for _ in 0..<60 {
            var off = 0.0
            for i in 0..<n { for j in (i + 1)..<Swift.max(i + 1, n) { off += a[i * n + j] * a[i * n + j] } }
            if off.squareRoot() <= 1e-13 * scale * Double(n) { break }
            for p in 0..<n {
                for q in (p + 1)..<Swift.max(p + 1, n) {
                    let apq = a[p * n + q]
                    if abs(apq) <= 1e-300 { continue }
                    let theta = (a[q * n + q] - a[p * n + p]) / (2 * apq)
                    let t = (theta >= 0 ? 1 : -1) / (abs(theta) + (theta * theta + 1).squareRoot())
                    let c = 1 / (t * t + 1).squareRoot(), s = t * c
                    for k in 0..<n {
                        let akp = a[k * n + p], akq = a[k * n + q]
                        a[k * n + p] = c * akp - s * akq
                        a[k * n + q] = s * akp + c * akq
                    }
                    for k in 0..<n {
                        let apk = a[p * n + k], aqk = a[q * n + k]
                        a[p * n + k] = c * apk - s * aqk
                        a[q * n + k] = s * apk + c * aqk
                    }
                    for k in 0..<n {
                        let vkp = v[k * n + p], vkq = v[k * n + q]
                        v[k * n + p] = c * vkp - s * vkq
                        v[k * n + q] = s * vkp + c * vkq
                    }
                }
            }
        }
        return ((0..<n).map { a[$0 * n + $0] }, v)
    }

    static func multiply(_ a: [Double], _ b: [Double], _ n: Int) -> [Double] {
        var c = [Double](repeating: 0, count: n * n)
        for i in 0..<n {
            for k in 0..<n where a[i * n + k] != 0 {
                let aik = a[i * n + k]
                for j in 0..<n { c[i * n + j] += aik * b[k * n + j] }
            }
        }
        return c
    }
}

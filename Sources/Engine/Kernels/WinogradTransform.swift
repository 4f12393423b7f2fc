/// The three matrices of Winograd's minimal filtering algorithm F(m×m, r×r): an m×m block of a stride-1
/// correlation with an r×r kernel from one t×t input tile (t = m + r − 1) with t² multiplications
/// instead of m²·r², as `Y = Aᵀ[(G g Gᵀ) ⊙ (Bᵀ d B)]A`.
///
/// Built by the Toom–Cook construction from t − 1 interpolation points and the point at infinity:
/// `G` evaluates the kernel polynomial at the points (scaled by the Lagrange denominators), `Aᵀ`
/// evaluates the output polynomial, and `Bᵀ` holds the Lagrange numerators and the points' product
/// polynomial. Points 0, ±1, ±2, ±½ keep the entries small: F(2×2, 3×3), F(4×4, 3×3) and F(2×2, 5×5) agree
/// with a direct convolution to about 1e-5 of the output's largest value in Float32 (`WinogradTests`).
struct WinogradTransform: Sendable {
    /// Output block side m.
    let outputTile: Int
    /// Kernel side r.
    let kernel: Int
    /// Input tile side t = m + r − 1.
    let tile: Int
    /// Bᵀ, t × t, row-major.
    let inputMatrix: [Float]
    /// Aᵀ, m × t, row-major.
    let outputMatrix: [Float]
    /// G, t × r, row-major.
    let filterMatrix: [Float]

    static let points: [Double] = [0, 1, -1, 2, -2, 0.5, -0.5, 3, -3]

    init(outputTile m: Int, kernel r: Int) {
        let t = m + r - 1
        precondition(m >= 1 && r >= 1 && t - 1 <= Self.points.count, "Winograd F(\(m), \(r)) is not supported")
        outputTile = m
        kernel = r
        tile = t
        let p = Array(Self.points.prefix(t - 1))
        /// Coefficients (lowest degree first) of the product of (x − pₗ) over the given points.
        func product(_ roots: [Double]) -> [Double] {
            var coefficients = [1.0]
            for root in roots {
                var next = [Double](repeating: 0, count: coefficients.count + 1)
                for (i, c) in coefficients.enumerated() {
                    next[i + 1] += c
                    next[i] -= root * c
                }
                coefficients = next
            }
            return coefficients
        }
        var bt = [Double](repeating: 0, count: t * t)
        var g = [Double](repeating: 0, count: t * r)
        var at = [Double](repeating: 0, count: m * t)
        for j in 0..<(t - 1) {
            let others = p.enumerated().filter { $0.offset != j }.map(\.element)
            for (i, c) in product(others).enumerated() { bt[j * t + i] = c }
            let denominator = others.reduce(1.0) { $0 * (p[j] - $1) }
            for k in 0..<r { g[j * r + k] = Self.power(p[j], k) / denominator }
            for i in 0..<m { at[i * t + j] = Self.power(p[j], i) }
        }
        for (i, c) in product(p).enumerated() { bt[(t - 1) * t + i] = c }
        g[(t - 1) * r + (r - 1)] = 1
        at[(m - 1) * t + (t - 1)] = 1
        inputMatrix = bt.map(Float.init)
        outputMatrix = at.map(Float.init)
        filterMatrix = g.map(Float.init)
    }

    /// xⁿ for a small non-negative integer n (0⁰ = 1).
    private static func power(_ x: Double, _ n: Int) -> Double {
        var result = 1.0
        for _ in 0..<n { result *= x }
        return result
    }
}

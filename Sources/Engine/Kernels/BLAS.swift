import CBLAS

/// Matrix products through OpenBLAS, with the thread count chosen per call.
public enum BLAS {
    /// The most threads a single product may use.
    nonisolated(unsafe) public static var maximumThreads = 2
    nonisolated(unsafe) static var currentThreads = -1

    /// Products below this many multiply-adds run on one thread: splitting them costs more than it gains.
    public static let parallelThreshold = 1 << 22

    static func useThreads(forWork work: Int) {
        let wanted = work >= parallelThreshold ? maximumThreads : 1
        if wanted != currentThreads {
            openblas_set_num_threads(Int32(wanted))
            currentThreads = wanted
        }
    }

    /// C ← α·op(A)·op(B) + β·C for row-major matrices, op(A) being m×k and op(B) k×n.
    @inline(__always)
    public static func gemm(
        transposeA: Bool, transposeB: Bool, m: Int, n: Int, k: Int,
        alpha: Float = 1, a: UnsafePointer<Float>, lda: Int, b: UnsafePointer<Float>, ldb: Int,
        beta: Float, c: UnsafeMutablePointer<Float>, ldc: Int
    ) {
        if m == 0 || n == 0 { return }
        useThreads(forWork: m * n * k)
        cblas_sgemm(CblasRowMajor, transposeA ? CblasTrans : CblasNoTrans, transposeB ? CblasTrans : CblasNoTrans,
                    Int32(m), Int32(n), Int32(k), alpha, a, Int32(lda), b, Int32(ldb), beta, c, Int32(ldc))
    }
}

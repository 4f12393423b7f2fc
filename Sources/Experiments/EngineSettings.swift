import Engine

/// Which algorithm stride-1 convolutions use; Winograd's by default (patch extraction + sgemm to compare).
public enum ConvolutionAlgorithm {
    public static var usesWinograd: Bool {
        get { Tensor.usesWinograd }
        set { Tensor.usesWinograd = newValue }
    }
}

/// The matrix-product kernels of the machine: see `BLAS.useKernelsForThisCPU`.
public enum MatrixKernels {
    /// Call first thing in `main` (may run the program again with `OPENBLAS_CORETYPE` set).
    public static func useKernelsForThisCPU() { BLAS.useKernelsForThisCPU() }
    /// The kernel family OpenBLAS uses, e.g. `SkylakeX`.
    public static var coreName: String { BLAS.coreName }
}

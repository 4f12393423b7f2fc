import Engine

/// Which algorithm stride-1 convolutions use; Winograd's by default (patch extraction + sgemm to compare).
public enum ConvolutionAlgorithm {
    public static var usesWinograd: Bool {
        get { Tensor.usesWinograd }
        set { Tensor.usesWinograd = newValue }
    }
}

/// Where ε enters an Adam-family update.
public enum EpsilonConvention: String, Sendable {
    /// PyTorch: p −= lr · m̂ / (√v̂ + ε) (Adamax: u = max(β₂u, |g| + ε)).
    case pytorch
    /// Keras: p −= lr·√(1−β₂ᵗ)/(1−β₁ᵗ) · m / (√v + ε) (Adamax: u = max(β₂u, |g|), divided by u + ε).
    case keras
}

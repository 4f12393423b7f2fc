import Engine

/// An elementwise activation function, passed to layers as a value.
public enum Activation: Equatable, Sendable, CustomStringConvertible {
    case identity
    case relu
    case leakyRelu(negativeSlope: Float)
    case elu(alpha: Float)
    case sigmoid
    case tanh

    public func callAsFunction(_ x: Tensor) -> Tensor {
        switch self {
        case .identity: return x
        case .relu: return x.relu()
        case .leakyRelu(let slope): return x.leakyRelu(negativeSlope: slope)
        case .elu(let alpha): return x.elu(alpha: alpha)
        case .sigmoid: return x.sigmoid()
        case .tanh: return x.tanh()
        }
    }

    public var description: String {
        switch self {
        case .identity: return "identity"
        case .relu: return "relu"
        case .leakyRelu(let s): return "leaky_relu(\(s))"
        case .elu(let a): return a == 1 ? "elu" : "elu(\(a))"
        case .sigmoid: return "sigmoid"
        case .tanh: return "tanh"
        }
    }

    /// Parses `relu`, `elu`, `leaky_relu`, `sigmoid`, `tanh`, `identity`/`linear`.
    public init?(name: String) {
        switch name.lowercased() {
        case "identity", "linear", "none": self = .identity
        case "relu": self = .relu
        case "elu": self = .elu(alpha: 1)
        case "leaky_relu", "leakyrelu": self = .leakyRelu(negativeSlope: 0.2)
        case "sigmoid": self = .sigmoid
        case "tanh": self = .tanh
        default: return nil
        }
    }
}

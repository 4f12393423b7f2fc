import Engine

/// A module that maps one tensor to another.
public protocol Layer: Module {
    func callAsFunction(_ input: Tensor) -> Tensor
}

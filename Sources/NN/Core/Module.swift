import Engine


/// Anything that owns parameters: a layer or a whole model.
public protocol Module: AnyObject {
    /// Every parameter, named relative to this module, in a stable order.
    var parameters: [Parameter] { get }
}


extension Module {
    /// The number of trainable scalars.
    public var parameterCount: Int { parameters.reduce(0) { $0 + $1.tensor.scalarCount } }

    /// Sets every parameter's gradient to zero.
    public func zeroGradients() { for p in parameters { p.tensor.zeroGradient() } }
}

import Engine
import NN

/// The article's proposed next step: a CNN encoder with an LSTM decoder that writes the image row by row.
///
/// The encoder is `ConvAutoencoder`'s (conv + pool blocks, dense latent). The decoder runs an LSTM for H steps;
/// at step t its input is the latent code together with the row it wrote at step t − 1 (zeros at t = 0), and a
/// dense layer turns its hidden state into row t (W·C values). Completion is a sequence problem — each hidden
/// row continues the rows above it — and the recurrence lets the decoder carry that context down the image.
public final class ConvLSTMAutoencoder: ImageAutoencoder {
    public let imageShape: [Int]
    public let encoder: ConvAutoencoder
    public let lstm: LSTM
    public let toRow: Linear
    public var name: String { "CNN-LSTM autoencoder (latent \(encoder.configuration.latentSize), hidden \(lstm.hiddenSize))" }

    public init(imageShape: [Int], configuration: ConvAutoencoder.Configuration = .init(), hiddenSize: Int = 256,
                using rng: inout RandomGenerator) throws {
        self.imageShape = imageShape
        encoder = try ConvAutoencoder(imageShape: imageShape, configuration: configuration, using: &rng)
        let rowLength = imageShape[1] * imageShape[2]
        lstm = LSTM(inputSize: configuration.latentSize + rowLength, hiddenSize: hiddenSize, using: &rng)
        toRow = Linear(inputSize: hiddenSize, outputSize: rowLength, initializer: .glorotUniform, using: &rng)
    }

    /// Only the encoder's convolutions and latent layer are used; the convolutional decoder is not.
    public var parameters: [Parameter] {
        encoder.encoderConvolutions.enumerated().flatMap { $0.element.parameters.prefixed("encoder.conv\($0.offset + 1)") }
            + encoder.toLatent.parameters.prefixed("encoder.dense") + lstm.parameters.prefixed("decoder.lstm")
            + toRow.parameters.prefixed("decoder.row")
    }

    public func callAsFunction(_ images: Tensor) -> Tensor {
        let n = images.shape[0]
        let (height, rowLength) = (imageShape[0], imageShape[1] * imageShape[2])
        let code = encoder.encode(images)
        var hidden = Tensor(zeros: [n, lstm.hiddenSize])
        var cell = Tensor(zeros: [n, lstm.hiddenSize])
        var previousRow = Tensor(zeros: [n, rowLength])
        var rows: [Tensor] = []
        for _ in 0..<height {
            (hidden, cell) = lstm.step(Tensor.concatenate([code, previousRow], axis: 1), hidden: hidden, cell: cell)
            previousRow = toRow(hidden)
            rows.append(previousRow)
        }
        return Tensor.concatenate(rows, axis: 1).reshaped(to: [n] + imageShape)
    }
}

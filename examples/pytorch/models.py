"""ImageGen's autoencoders as torch.nn modules, with the parameter names and layouts of ImageGen's model.safetensors.

ImageGen computes in NHWC (height, width, channels); these modules take and return PyTorch's NCHW tensors
`[N, C, H, W]` with values in [0, 1]. The weights are exactly the tensors ImageGen writes, so

    model.load_state_dict(safetensors.torch.load_file("RUN/model.safetensors"), strict=True)

works with no renaming. Where ImageGen flattens a feature map into a dense layer (or reshapes a dense layer's
output into an image) it does so in height, width, channel order; the modules below permute to NHWC around those
reshapes, so the dense weights line up for images with any number of channels.

Models (Sources/Models/Autoencoders in ImageGen):
- DenseAutoencoder   `dense`: Flatten → Linear(latent) → Linear(H·W·C) → Reshape, no activations.
- ConvAutoencoder    `cnn`: per encoder filter count Conv2d (same, activation) + MaxPool 2×2; Linear(latent);
                     Linear(H·W·C) → Reshape → ConvTranspose2d (same, stride 1), activation on all but the last.
- CompletionNetwork  `completion`: the mask as an input channel, three 3×3 conv layers (full, half, quarter
                     resolution), two wide dense layers over the features and the visible pixels, a sigmoid output,
                     the visible pixels pasted back.

The same definitions serve bench/torch_workloads.py and bench/torch_quality.py.
"""
import torch
import torch.nn as nn
import torch.nn.functional as F

__all__ = ["ACTIVATIONS", "DenseAutoencoder", "ConvAutoencoder", "CompletionNetwork", "occlusion_mask", "build_model",
           "FIXED_MASKS"]

# ImageGen's activation names (Sources/NN/Core/Activation.swift); leaky_relu has slope 0.2 there.
ACTIVATIONS = {
    "identity": lambda x: x, "linear": lambda x: x, "none": lambda x: x,
    "relu": F.relu,
    "elu": F.elu,
    "leaky_relu": lambda x: F.leaky_relu(x, 0.2), "leakyrelu": lambda x: F.leaky_relu(x, 0.2),
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
}


def _activation(name):
    try:
        return ACTIVATIONS[name.lower()]
    except KeyError:
        raise ValueError(f"unknown activation '{name}' (ImageGen knows {', '.join(sorted(ACTIVATIONS))})") from None


def _flatten_hwc(x):
    """[N, C, H, W] → [N, H·W·C] in ImageGen's (NHWC) order."""
    return x.permute(0, 2, 3, 1).reshape(x.shape[0], -1)


def _unflatten_hwc(x, image_shape):
    """[N, H·W·C] in ImageGen's order → [N, C, H, W]."""
    h, w, c = image_shape
    return x.reshape(x.shape[0], h, w, c).permute(0, 3, 1, 2)


class DenseAutoencoder(nn.Module):
    """`dense`: the article's linear encoder–decoder. Parameters `encoder.{weight,bias}`, `decoder.{weight,bias}`."""

    def __init__(self, image_shape=(28, 28, 1), latent_size=32):
        super().__init__()
        self.image_shape = tuple(image_shape)
        pixels = self.image_shape[0] * self.image_shape[1] * self.image_shape[2]
        self.encoder = nn.Linear(pixels, latent_size)
        self.decoder = nn.Linear(latent_size, pixels)

    def forward(self, images):
        return _unflatten_hwc(self.decoder(self.encoder(_flatten_hwc(images))), self.image_shape)


class ConvAutoencoder(nn.Module):
    """`cnn`: the article's deep CNN. Parameters `encoder.conv1 … encoder.convK`, `encoder.dense`, `decoder.dense`,
    `decoder.deconv1 … decoder.deconvM` (each `.weight`, `.bias`); M = len(decoder_filters) + 1, the last one with
    C filters. Conv2d weights are `[out, in, kh, kw]`, ConvTranspose2d weights `[in, out, kh, kw]`, as PyTorch's."""

    def __init__(self, image_shape=(28, 28, 1), latent_size=32, kernel_size=3, activation="relu",
                 encoder_filters=(32, 64, 128, 256), decoder_filters=(128, 64, 32)):
        super().__init__()
        if kernel_size % 2 != 1:
            raise ValueError(f"kernel size {kernel_size}: only odd kernels (ImageGen's 3 and 5) are supported here")
        self.image_shape = tuple(image_shape)
        self.act = _activation(activation)
        h, w, c = self.image_shape
        pad = kernel_size // 2
        self.encoder = nn.Module()
        channels = c
        for i, filters in enumerate(encoder_filters):
            self.encoder.add_module(f"conv{i + 1}", nn.Conv2d(channels, filters, kernel_size, padding=pad))
            channels = filters
            h, w = h // 2, w // 2
            if h == 0 or w == 0:
                raise ValueError(f"{len(encoder_filters)} pooling steps shrink a {image_shape[0]}×{image_shape[1]} image to nothing")
        self.encoder.dense = nn.Linear(h * w * channels, latent_size)
        self.decoder = nn.Module()
        self.decoder.dense = nn.Linear(latent_size, self.image_shape[0] * self.image_shape[1] * c)
        previous = c
        for i, filters in enumerate(list(decoder_filters) + [c]):
            self.decoder.add_module(f"deconv{i + 1}", nn.ConvTranspose2d(previous, filters, kernel_size, padding=pad))
            previous = filters
        self._convolutions = len(encoder_filters)
        self._deconvolutions = len(decoder_filters) + 1

    def encode(self, images):
        x = images
        for i in range(self._convolutions):
            x = F.max_pool2d(self.act(getattr(self.encoder, f"conv{i + 1}")(x)), 2)
        return self.encoder.dense(_flatten_hwc(x))

    def decode(self, codes):
        x = _unflatten_hwc(self.decoder.dense(codes), self.image_shape)
        for i in range(self._deconvolutions):
            x = getattr(self.decoder, f"deconv{i + 1}")(x)
            if i < self._deconvolutions - 1:
                x = self.act(x)
        return x

    def forward(self, images):
        return self.decode(self.encode(images))


class CompletionNetwork(nn.Module):
    """`completion`: ImageGen's completion model. Parameters `encoder1`, `encoder2`, `encoder3` (3×3 convolutions),
    `context1`, `context2`, `output` (dense). `mask` is `[H, W]` (or `[1, 1, H, W]`), 1 = visible; it is a
    non-persistent buffer, so it is not part of the state dict (ImageGen rebuilds it from the run's configuration)."""

    def __init__(self, image_shape=(28, 28, 1), mask=None, width=32, context_size=1024):
        super().__init__()
        self.image_shape = tuple(image_shape)
        h, w, c = self.image_shape
        if h < 4 or w < 4:
            raise ValueError(f"images must be at least 4×4, got {image_shape}")
        visible = torch.ones(h, w) if mask is None else torch.as_tensor(mask, dtype=torch.float32).reshape(h, w)
        self.register_buffer("mask", visible.reshape(1, 1, h, w), persistent=False)
        self.encoder1 = nn.Conv2d(c + 1, width, 3, padding=1)
        self.encoder2 = nn.Conv2d(width, 2 * width, 3, padding=1)
        self.encoder3 = nn.Conv2d(2 * width, 2 * width, 3, padding=1)
        features = (h // 4) * (w // 4) * 2 * width + h * w * c
        self.context1 = nn.Linear(features, context_size)
        self.context2 = nn.Linear(context_size, context_size)
        self.output = nn.Linear(context_size, h * w * c)

    def forward(self, images):
        n = images.shape[0]
        visible = images * self.mask
        s1 = F.relu(self.encoder1(torch.cat([visible, self.mask.expand(n, 1, -1, -1)], dim=1)))
        s2 = F.relu(self.encoder2(F.max_pool2d(s1, 2)))
        s3 = F.relu(self.encoder3(F.max_pool2d(s2, 2)))
        features = torch.cat([_flatten_hwc(s3), _flatten_hwc(visible)], dim=1)
        x = F.relu(self.context2(F.relu(self.context1(features))))
        prediction = _unflatten_hwc(torch.sigmoid(self.output(x)), self.image_shape)
        return visible + prediction * (1 - self.mask)


# The fixed occlusion masks of Sources/Data/OcclusionMask.swift and Sources/Experiments/Catalog/MaskCatalog.swift.
FIXED_MASKS = ("bottom", "top", "left", "right", "center", "centre")


def occlusion_mask(name, height, width):
    """The `[H, W]` float mask ImageGen builds for `--mask name` (1 = visible, 0 = hidden), for the fixed masks.

    bottom: rows ⌊W/2⌋+1 … H−1 (the article's occlusion; 28×28: rows 15…27); top: rows 0 … ⌊H/2⌋−1;
    left: columns 0 … ⌊W/2⌋−1; right: columns ⌊W/2⌋ … W−1; center: a ⌊min(H, W)/2⌋ square from row ⌊(H−side)/2⌋,
    column ⌊(W−side)/2⌋. `rectangles`, `strokes` (drawn from ImageGen's own random generator) and PNG masks are
    not supported here.
    """
    mask = torch.ones(height, width)
    if name == "bottom":
        mask[width // 2 + 1:, :] = 0
    elif name == "top":
        mask[:height // 2, :] = 0
    elif name == "left":
        mask[:, :width // 2] = 0
    elif name == "right":
        mask[:, width // 2:] = 0
    elif name in ("center", "centre"):
        side = min(height, width) // 2
        top, left = max((height - side) // 2, 0), max((width - side) // 2, 0)
        mask[top:top + side, left:left + side] = 0
    else:
        raise ValueError(f"mask '{name}' is not supported: only the fixed masks {', '.join(FIXED_MASKS[:5])} are "
                         "(random masks are drawn from ImageGen's own generator, PNG masks need the file)")
    return mask


def build_model(configuration, image_shape, mask=None):
    """The module for an ImageGen training configuration (the `configuration` object of config.json), as
    Sources/Experiments/Catalog/ModelCatalog.swift builds it. `mask` (`[H, W]`, 1 = visible) feeds the completion model."""
    name = configuration["model"]
    if name == "dense":
        return DenseAutoencoder(image_shape, configuration["latentSize"])
    if name == "cnn":
        return ConvAutoencoder(image_shape, configuration["latentSize"], configuration["kernelSize"], configuration["activation"],
                               configuration["encoderFilters"], configuration["decoderFilters"])
    if name == "completion":
        return CompletionNetwork(image_shape, mask)
    if name == "pixelcnn":
        return ConditionalPixelCNN(image_shape, mask)
    raise ValueError(f"model '{name}' has no PyTorch definition here (dense, cnn, completion and pixelcnn do)")


class ConditionalPixelCNN(nn.Module):
    """`pixelcnn`: ImageGen's sampling completion model. Parameters `encoder1`–`encoder3` (3×3), `context1`,
    `context2`, `global` (dense), `condition` (3×3), `causal` (7×7, PixelCNN mask "A": rows above and pixels to the
    left), `hidden1`, `hidden2`, `output` (dense, 256 levels per channel), as ImageGen names them. `forward` returns
    the mean negative log-likelihood of the hidden pixels in nats (teacher forcing), ImageGen's training loss."""

    def __init__(self, image_shape=(28, 28, 1), mask=None, width=32, context_size=1024, global_channels=8, head=128, kernel=7):
        super().__init__()
        self.image_shape = tuple(image_shape)
        h, w, c = self.image_shape
        visible = torch.ones(h, w) if mask is None else torch.as_tensor(mask, dtype=torch.float32).reshape(h, w)
        self.register_buffer("mask", visible.reshape(1, 1, h, w), persistent=False)
        causal = torch.ones(kernel, kernel)
        causal[kernel // 2, kernel // 2:] = 0
        causal[kernel // 2 + 1:, :] = 0
        self.register_buffer("causal_mask", causal, persistent=False)
        self.global_channels = global_channels
        self.encoder1 = nn.Conv2d(c + 1, width, 3, padding=1)
        self.encoder2 = nn.Conv2d(width, 2 * width, 3, padding=1)
        self.encoder3 = nn.Conv2d(2 * width, 2 * width, 3, padding=1)
        self.context1 = nn.Linear((h // 4) * (w // 4) * 2 * width + h * w * c, context_size)
        self.context2 = nn.Linear(context_size, context_size)
        setattr(self, "global", nn.Linear(context_size, h * w * global_channels))
        self.condition = nn.Conv2d(width + global_channels, head, 3, padding=1)
        self.causal = nn.Conv2d(c, head, kernel, padding=kernel // 2)
        self.hidden1 = nn.Linear(head, head)
        self.hidden2 = nn.Linear(head, head)
        self.output = nn.Linear(head, c * 256)

    def forward(self, images):
        n = images.shape[0]
        h, w, c = self.image_shape
        shown = images * self.mask
        s1 = F.relu(self.encoder1(torch.cat([shown, self.mask.expand(n, 1, -1, -1)], dim=1)))
        s2 = F.relu(self.encoder2(F.max_pool2d(s1, 2)))
        s3 = F.relu(self.encoder3(F.max_pool2d(s2, 2)))
        z = F.relu(self.context2(F.relu(self.context1(torch.cat([_flatten_hwc(s3), _flatten_hwc(shown)], dim=1)))))
        global_map = getattr(self, "global")(z).view(n, h, w, self.global_channels).permute(0, 3, 1, 2)
        features = F.relu(F.conv2d(images, self.causal.weight * self.causal_mask, self.causal.bias, padding=self.causal.padding)
                          + self.condition(torch.cat([s1, global_map], dim=1)))
        hidden = (self.mask[0, 0] < 0.5).flatten()
        rows = features.permute(0, 2, 3, 1).reshape(n, h * w, -1)[:, hidden]
        logits = self.output(F.relu(self.hidden2(F.relu(self.hidden1(rows))))).reshape(-1, 256)
        levels = (images.permute(0, 2, 3, 1).reshape(n, h * w, c)[:, hidden] * 255).round().clamp(0, 255).long().reshape(-1)
        return F.cross_entropy(logits, levels)

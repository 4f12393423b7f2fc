"""PyTorch versions of ImageGen's benchmark workloads (same models, batch sizes and thread count).

Run by side_by_side.py; prints one JSON line per workload, in the same format as `imagegen-bench`.
"""
import json
import os
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples", "pytorch"))
from models import ConditionalPixelCNN, ConvAutoencoder, DenseAutoencoder  # noqa: E402  (the one PyTorch definition of ImageGen's models)

if __name__ == "__main__":
    torch.set_num_threads(int(sys.argv[1]) if len(sys.argv) > 1 else 2)
    torch.manual_seed(0)


def median_step_time(step, warmup=5, repetitions=30, rounds=3):
    for _ in range(warmup):
        step()
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        for _ in range(repetitions):
            step()
        times.append((time.perf_counter() - start) / repetitions)
    return statistics.median(times)


def training_rate(model, batch=32):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x), x)
        loss.backward()
        optimizer.step()

    return batch / median_step_time(step)


class BackgroundGenerator(nn.Module):
    """The article's background generator: 64 -> 2048 -> 2048 -> 4096, ShiftRange per sample, 64x64."""

    def __init__(self):
        super().__init__()
        self.fc1, self.fc2, self.fc3 = nn.Linear(64, 2048), nn.Linear(2048, 2048), nn.Linear(2048, 4096)

    def forward(self, z):
        x = self.fc3(F.relu(self.fc2(F.relu(self.fc1(z)))))
        lo, hi = x.min(dim=1, keepdim=True).values, x.max(dim=1, keepdim=True).values
        return ((x - lo) / (hi - lo)).view(-1, 64, 64)


def distribution_loss(images):
    target = torch.rand_like(images).sort(dim=1).values
    return (images.sort(dim=1).values - target).abs().sum(dim=(1, 2)).mean()


def smoothness_loss_loop(images):
    """The article's form: one crop per image in a Python loop."""
    losses = []
    for image in images:
        r, c = torch.randint(0, 49, (2,)).tolist()
        crop = image[r:r + 16, c:c + 16]
        losses.append(crop.var() / (crop.max() - crop.min()))
    return torch.stack(losses).mean()


def smoothness_loss_vectorised(images):
    n = images.shape[0]
    corners = torch.randint(0, 49, (n, 2))
    offsets = torch.arange(16)
    rows = (corners[:, :1] + offsets).view(n, 16, 1)
    cols = (corners[:, 1:] + offsets).view(n, 1, 16)
    flat = images.reshape(n, -1).gather(1, (rows * 64 + cols).view(n, 256))
    return (flat.var(dim=1) / (flat.max(dim=1).values - flat.min(dim=1).values)).mean()


def background_rate(vectorised):
    model = BackgroundGenerator()
    optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-5)
    smoothness = smoothness_loss_vectorised if vectorised else smoothness_loss_loop

    def step():
        optimizer.zero_grad(set_to_none=True)
        images = model(torch.randn(128, 64))
        loss = 1e4 * smoothness(images) + 0.1 * distribution_loss(images)
        loss.backward()
        optimizer.step()

    return 1 / median_step_time(step, warmup=3, repetitions=10)


class Generator(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(26, 16)
        self.net = nn.Sequential(nn.Linear(80, 2048), nn.ReLU(), nn.Linear(2048, 2048), nn.ReLU(), nn.Linear(2048, 4096), nn.Tanh())

    def forward(self, z, labels):
        return self.net(torch.cat([z, self.emb(labels)], 1)).view(-1, 1, 64, 64)


class Discriminator(nn.Module):
    def __init__(self):
        super().__init__()
        self.emb = nn.Embedding(26, 64)
        self.net = nn.Sequential(nn.Linear(4160, 2048), nn.LeakyReLU(0.2), nn.Linear(2048, 2048), nn.LeakyReLU(0.2),
                                 nn.Linear(2048, 1), nn.Sigmoid())

    def forward(self, x, labels):
        return self.net(torch.cat([x.flatten(1), self.emb(labels)], 1))


def gan_rate(batch=128):
    g, d = Generator(), Discriminator()
    og = torch.optim.Adam(g.parameters(), lr=2e-4, betas=(0.5, 0.999))
    od = torch.optim.Adam(d.parameters(), lr=2e-4, betas=(0.5, 0.999))
    real = torch.rand(batch, 1, 64, 64) * 2 - 1
    labels = torch.arange(batch) % 26
    ones, zeros = torch.ones(batch, 1), torch.zeros(batch, 1)

    def step():
        od.zero_grad(set_to_none=True)
        fake = g(torch.randn(batch, 64), labels).detach()
        loss_d = F.binary_cross_entropy(d(real, labels), ones) + F.binary_cross_entropy(d(fake, labels), zeros)
        loss_d.backward()
        od.step()
        og.zero_grad(set_to_none=True)
        loss_g = F.binary_cross_entropy(d(g(torch.randn(batch, 64), labels), labels), ones)
        loss_g.backward()
        og.step()

    return batch / median_step_time(step, warmup=3, repetitions=10)


def pixelcnn_rate(batch=32):
    mask = torch.ones(28, 28)
    mask[15:, :] = 0
    model = ConditionalPixelCNN(mask=mask)
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)

    def step():
        optimizer.zero_grad(set_to_none=True)
        model(x).backward()
        optimizer.step()

    return batch / median_step_time(step, warmup=3, repetitions=10)


workloads = {
    "pixelcnn": lambda: {"model": "conditional PixelCNN (batch 32)", "img_s": pixelcnn_rate()},
    "bg": lambda: {"model": "background generator step (batch 128)", "steps_s": background_rate(False)},
    "bgvec": lambda: {"model": "background generator step (batch 128)", "steps_s": background_rate(True)},
    "gan": lambda: {"model": "letter GAN D+G step (batch 128)", "img_s": gan_rate()},
    "dense": lambda: {"model": "dense AE latent 32", "img_s": training_rate(DenseAutoencoder())},
    "cnn3": lambda: {"model": "CNN AE 3x3 (article) latent 32", "img_s": training_rate(ConvAutoencoder(kernel_size=3))},
    "cnn5": lambda: {"model": "CNN AE 5x5 (code) latent 32", "img_s": training_rate(ConvAutoencoder(kernel_size=5))},
}

if __name__ == "__main__":
    for name in sys.argv[2:] or list(workloads):
        result = workloads[name]()
        result["torch"] = torch.__version__
        print(json.dumps(result), flush=True)

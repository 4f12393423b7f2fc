"""PyTorch versions of ImageGen's benchmark workloads (same models, batch sizes and thread count).

Run by side_by_side.py; prints one JSON line per workload, in the same format as `imagegen-bench`.
"""
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

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


class ConvAutoencoder(nn.Module):
    """The article's deep CNN: 4 × (conv same + ReLU + maxpool), dense latent, dense to full size, 4 transposed convs."""

    def __init__(self, kernel=3, latent=32, channels=1, size=28):
        super().__init__()
        pad = kernel // 2
        enc = [channels, 32, 64, 128, 256]
        dec = [channels, 128, 64, 32, channels]
        self.size, self.channels = size, channels
        self.encoder = nn.ModuleList(nn.Conv2d(enc[i], enc[i + 1], kernel, padding=pad) for i in range(4))
        self.to_latent = nn.Linear(256 * (size // 16) ** 2, latent)
        self.from_latent = nn.Linear(latent, size * size * channels)
        self.decoder = nn.ModuleList(nn.ConvTranspose2d(dec[i], dec[i + 1], kernel, padding=pad) for i in range(4))

    def forward(self, x):
        for conv in self.encoder:
            x = F.max_pool2d(F.relu(conv(x)), 2)
        x = self.from_latent(self.to_latent(x.flatten(1))).view(-1, self.channels, self.size, self.size)
        for i, deconv in enumerate(self.decoder):
            x = deconv(x)
            if i < 3:
                x = F.relu(x)
        return x


def training_rate(model, batch=32):
    optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
    x = torch.rand(batch, 1, 28, 28)

    def step():
        optimizer.zero_grad(set_to_none=True)
        loss = F.mse_loss(model(x), x)
        loss.backward()
        optimizer.step()

    return batch / median_step_time(step)


def dense_autoencoder(latent=32):
    return nn.Sequential(nn.Flatten(), nn.Linear(784, latent), nn.Linear(latent, 784), nn.Unflatten(1, (1, 28, 28)))


workloads = {
    "dense": lambda: {"model": "dense AE latent 32", "img_s": training_rate(dense_autoencoder())},
    "cnn3": lambda: {"model": "CNN AE 3x3 (article) latent 32", "img_s": training_rate(ConvAutoencoder(3))},
    "cnn5": lambda: {"model": "CNN AE 5x5 (code) latent 32", "img_s": training_rate(ConvAutoencoder(5))},
}

for name in sys.argv[2:] or list(workloads):
    result = workloads[name]()
    result["torch"] = torch.__version__
    print(json.dumps(result), flush=True)

"""Trains the article's autoencoders in PyTorch on Fashion-MNIST with the settings ImageGen uses (Keras-style
Glorot-uniform kernels and zero biases, PyTorch's Adam lr 1e-3 with its default ε 1e-8, batch 32, a seeded 80/20 split) and prints the
test MSE (all pixels, and hidden pixels for completion) as one JSON line.

Usage: python torch_quality.py MODEL TASK EPOCHS [LIMIT [SEED]]   (MODEL: dense | cnn3 | cnn5; TASK: reconstruct | complete)
"""
import gzip
import json
import sys

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from torch_workloads import ConvAutoencoder, DenseAutoencoder  # examples/pytorch/models.py

torch.set_num_threads(2)
model_name, task, epochs = sys.argv[1], sys.argv[2], int(sys.argv[3])
limit = int(sys.argv[4]) if len(sys.argv) > 4 and sys.argv[4] != "all" else None
seed = int(sys.argv[5]) if len(sys.argv) > 5 else 0
torch.manual_seed(seed)
folder = "/usr/share/datasets/fashion-mnist"


def images(name):
    with gzip.open(f"{folder}/{name}-images-idx3-ubyte.gz") as f:
        return torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255)


train_all, test = images("train"), images("t10k")
order = np.random.default_rng(seed).permutation(len(train_all))
cut = int(len(order) * 0.8)
train = train_all[order[:cut]]
if limit:
    train = train[:limit]
mask = torch.ones(1, 1, 28, 28)
mask[..., 28 // 2 + 1:, :] = 0   # the article's occlusion: rows ⌊W/2⌋+1 … H−1 hidden
model = DenseAutoencoder() if model_name == "dense" else ConvAutoencoder(kernel_size=3 if model_name == "cnn3" else 5)
for m in model.modules():
    if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.xavier_uniform_(m.weight)
        nn.init.zeros_(m.bias)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)  # ImageGen: --epsilon pytorch (same formula, ε 1e-8)
prepare = (lambda x: x * mask) if task == "complete" else (lambda x: x)
for epoch in range(epochs):
    for batch in torch.randperm(len(train)).split(32):
        x = train[batch]
        optimizer.zero_grad(set_to_none=True)
        F.mse_loss(model(prepare(x)), x).backward()
        optimizer.step()
with torch.no_grad():
    squared = torch.cat([(model(prepare(x)) - x) ** 2 for x in test.split(500)])
result = {"model": model_name, "task": task, "epochs": epochs, "train_images": len(train), "test_mse": squared.mean().item()}
if task == "complete":
    result["test_hidden_mse"] = squared[..., 28 // 2 + 1:, :].mean().item()
print(json.dumps(result), flush=True)

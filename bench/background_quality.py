"""Trains the article's background generator in PyTorch exactly as ImageGen's faithful preset (RMSprop 1e-5,
fresh N(0,1) noise [128, 64] per step, 10⁴·smoothness + 0.1·distribution, 1,000 steps) and prints the final
sample range and smoothness loss on fresh crops (mean of 20 draws of 128 samples) as JSON, for comparison with
`imagegen backgrounds train --model faithful --steps 1000`.
"""
import json
import sys

import torch

from torch_workloads import BackgroundGenerator, distribution_loss, smoothness_loss_vectorised

torch.set_num_threads(2)
torch.manual_seed(0)
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
model = BackgroundGenerator()
optimizer = torch.optim.RMSprop(model.parameters(), lr=1e-5)
for step in range(steps):
    optimizer.zero_grad(set_to_none=True)
    images = model(torch.randn(128, 64))
    (1e4 * smoothness_loss_vectorised(images) + 0.1 * distribution_loss(images)).backward()
    optimizer.step()
with torch.no_grad():
    samples = [model(torch.randn(128, 64)) for _ in range(20)]
    smoothness = sum(smoothness_loss_vectorised(s).item() for s in samples) / len(samples)
    print(json.dumps({"steps": steps, "smoothness": smoothness,
                      "min": min(s.min().item() for s in samples), "max": max(s.max().item() for s in samples)}))

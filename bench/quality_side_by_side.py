"""Trains the same article model in ImageGen and in PyTorch (same settings, same number of training images and
epochs) in one run and prints both test MSEs and their ratio: the evidence that the engine computes the same function.

Usage: python quality_side_by_side.py MODEL TASK EPOCHS [LIMIT|all] [SEEDS]   (MODEL: dense | cnn3 | cnn5; SEEDS e.g. 0,1,2)

Both use PyTorch's Adam (ε 1e-8 added to √v̂; ImageGen's `--epsilon pytorch`): Keras's form (ε added to √v before the
bias correction, ImageGen's default for the article's runs) changes the 5×5 CNN's result by several per cent.
With several seeds, each framework trains once per seed (its own initialisation, split and batch order from that
seed) and the mean test MSEs are compared: one run of a few thousand images varies by several per cent with the seed.
"""
import json
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
model, task, epochs = sys.argv[1], sys.argv[2], sys.argv[3]
limit = sys.argv[4] if len(sys.argv) > 4 and sys.argv[4] != "all" else None
seeds = [int(x) for x in sys.argv[5].split(",")] if len(sys.argv) > 5 else [0]


def ours(seed):
    args = [os.path.join(root, ".build", "release", "imagegen"), "train", "--model", "dense" if model == "dense" else "cnn",
            "--kernel", "5" if model == "cnn5" else "3", "--latent", "32", "--task", task, "--epochs", epochs, "--seed", str(seed),
            "--epsilon", "pytorch",
            "--output", f"/tmp/imagegen-quality-{model}-{task}-{seed}", "--overwrite", "--quiet"] + (["--limit", limit] if limit else [])
    out = subprocess.run(args, check=True, capture_output=True, text=True).stdout
    test_line = next(line for line in out.splitlines() if line.startswith("test "))
    hidden = re.search(r"hidden-pixel MSE ([0-9.]+)", test_line)
    return float(re.search(r"MSE ([0-9.]+)", test_line).group(1)), float(hidden.group(1)) if hidden else None


def theirs(seed):
    out = subprocess.run([sys.executable, os.path.join(here, "torch_quality.py"), model, task, epochs, limit or "all", str(seed)],
                         check=True, capture_output=True, text=True, cwd=here).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result["test_mse"], result.get("test_hidden_mse")


rows = []
for seed in seeds:
    (a, ah), (b, bh) = ours(seed), theirs(seed)
    rows.append((a, ah, b, bh))
    print(f"seed {seed}: ImageGen test MSE {a:.5f}  PyTorch {b:.5f}  ratio {a / b:.3f}"
          + (f"   hidden pixels: ImageGen {ah:.5f}  PyTorch {bh:.5f}" if ah is not None and bh is not None else ""), flush=True)
mean_ours = sum(r[0] for r in rows) / len(rows)
mean_theirs = sum(r[2] for r in rows) / len(rows)
print(f"{model} {task}, {epochs} epochs{', ' + limit + ' images' if limit else ''}, seeds {','.join(map(str, seeds))}: "
      f"mean test MSE ImageGen {mean_ours:.5f}  PyTorch {mean_theirs:.5f}  ratio {mean_ours / mean_theirs:.3f}")
if all(r[1] is not None and r[3] is not None for r in rows):
    print(f"  mean hidden-pixel MSE: ImageGen {sum(r[1] for r in rows) / len(rows):.5f}  PyTorch {sum(r[3] for r in rows) / len(rows):.5f}")

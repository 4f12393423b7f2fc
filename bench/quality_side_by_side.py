"""Trains the same article model in ImageGen and in PyTorch (same settings, same number of training images and
epochs) in one run and prints both test MSEs and their ratio: the evidence that the engine computes the same function.

Usage: python quality_side_by_side.py MODEL TASK EPOCHS [LIMIT]   (MODEL: dense | cnn3 | cnn5)
"""
import json
import os
import re
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
model, task, epochs = sys.argv[1], sys.argv[2], sys.argv[3]
limit = sys.argv[4] if len(sys.argv) > 4 else None

args = [os.path.join(root, ".build", "release", "imagegen"), "train", "--model", "dense" if model == "dense" else "cnn",
        "--kernel", "5" if model == "cnn5" else "3", "--latent", "32", "--task", task, "--epochs", epochs,
        "--output", f"/tmp/imagegen-quality-{model}-{task}", "--overwrite", "--quiet"] + (["--limit", limit] if limit else [])
ours = subprocess.run(args, check=True, capture_output=True, text=True).stdout
test_line = next(line for line in ours.splitlines() if line.startswith("test "))
our_mse = float(re.search(r"MSE ([0-9.]+)", test_line).group(1))
hidden = re.search(r"hidden-pixel MSE ([0-9.]+)", test_line)
theirs = json.loads(subprocess.run([sys.executable, os.path.join(here, "torch_quality.py"), model, task, epochs] + ([limit] if limit else []),
                                   check=True, capture_output=True, text=True, cwd=here).stdout.strip().splitlines()[-1])
print(f"{model} {task}, {epochs} epochs{', ' + limit + ' images' if limit else ''}: "
      f"ImageGen test MSE {our_mse:.5f}  PyTorch {theirs['test_mse']:.5f}  ratio {our_mse / theirs['test_mse']:.3f}")
if hidden and "test_hidden_mse" in theirs:
    print(f"  hidden pixels: ImageGen {float(hidden.group(1)):.5f}  PyTorch {theirs['test_hidden_mse']:.5f}")

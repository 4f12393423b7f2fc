"""Evaluates an ImageGen run folder in PyTorch: the same test MSE as `imagegen evaluate --run RUN_DIR`.

Usage: python evaluate_run.py RUN_DIR [--data FOLDER] [--batch-size N]

Reads RUN_DIR/config.json (format version 2: {"format_version": 2, "job": "autoencoder", "configuration": {…}}),
builds the torch.nn model of models.py, loads RUN_DIR/model.safetensors into it with a strict load_state_dict,
reads the Fashion-MNIST (or MNIST) test images from the gzip IDX files in FOLDER, hides the run's mask for
`task == complete`, and prints the test MSE over all pixels (and over the hidden pixels for completion).
"""
import argparse
import gzip
import json
import math
import os
import struct
import sys

import torch
from safetensors import safe_open
from safetensors.torch import load_file

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from models import build_model, occlusion_mask  # noqa: E402

FORMAT_VERSION = 2
IDX_DATASETS = {"fashion-mnist": "/usr/share/datasets/fashion-mnist", "mnist": "data/mnist"}


def fail(message):
    sys.exit(f"evaluate_run.py: {message}")


def read_configuration(run_dir):
    path = os.path.join(run_dir, "config.json")
    try:
        with open(path) as f:
            document = json.load(f)
    except FileNotFoundError:
        fail(f"{path} does not exist: is {run_dir} an ImageGen run folder?")
    except json.JSONDecodeError as error:
        fail(f"{path} is not valid JSON: {error}")
    version = document.get("format_version") if isinstance(document, dict) else None
    if version is None:
        fail(f"{path} has no format_version: the run folder was written before format version {FORMAT_VERSION}, "
             f"which this script reads; train it again with a current imagegen")
    if version != FORMAT_VERSION:
        fail(f"{path} is format version {version}; this script reads format version {FORMAT_VERSION}")
    if document.get("job") != "autoencoder":
        fail(f"{path} holds a '{document.get('job')}' job; this script evaluates autoencoder runs")
    configuration = document.get("configuration")
    if not isinstance(configuration, dict):
        fail(f"{path} has no configuration object")
    return configuration


def read_idx_images(path):
    """An IDX unsigned-byte image file (raw or gzip) as a float32 tensor [N, C, H, W] in [0, 1]."""
    opener = gzip.open if path.endswith(".gz") else open
    with opener(path, "rb") as f:
        data = f.read()
    zero, kind, dimensions = struct.unpack(">HBB", data[:4])
    if zero != 0 or kind != 0x08 or dimensions not in (3, 4):
        fail(f"{path} is not an IDX file of unsigned-byte images (magic {data[:4].hex()})")
    shape = struct.unpack(f">{dimensions}I", data[4:4 + 4 * dimensions])
    offset = 4 + 4 * dimensions
    if len(data) - offset != math.prod(shape):
        fail(f"{path}: the header says {shape}, which needs {math.prod(shape)} bytes, but {len(data) - offset} follow")
    images = torch.frombuffer(bytearray(data[offset:]), dtype=torch.uint8).reshape(shape[0], shape[1], shape[2], -1)
    return images.permute(0, 3, 1, 2).float() / 255


def find_test_images(folder):
    for name in ("t10k-images-idx3-ubyte.gz", "t10k-images-idx3-ubyte", "t10k-images.idx3-ubyte"):
        if os.path.exists(os.path.join(folder, name)):
            return os.path.join(folder, name)
    fail(f"{folder} holds no t10k-images-idx3-ubyte[.gz] (pass the dataset folder with --data)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("run_dir", metavar="RUN_DIR")
    parser.add_argument("--data", help="folder holding the dataset's IDX files (default: the run's, or the system's Fashion-MNIST)")
    parser.add_argument("--batch-size", type=int, default=500)
    arguments = parser.parse_args()

    configuration = read_configuration(arguments.run_dir)
    dataset = configuration.get("dataset")
    if dataset not in IDX_DATASETS:
        fail(f"dataset '{dataset}': this script reads the IDX datasets {', '.join(IDX_DATASETS)}")
    folder = arguments.data or configuration.get("dataFolder") or IDX_DATASETS[dataset]
    images = read_idx_images(find_test_images(folder))
    image_shape = (images.shape[2], images.shape[3], images.shape[1])

    checkpoint = os.path.join(arguments.run_dir, "model.safetensors")
    if not os.path.exists(checkpoint):
        fail(f"{checkpoint} does not exist")
    with safe_open(checkpoint, framework="pt") as f:
        stored_shape = (f.metadata() or {}).get("image_shape")
    if stored_shape and tuple(int(v) for v in stored_shape.split(",")) != image_shape:
        fail(f"the model was trained on {stored_shape} images, the test images in {folder} are {','.join(map(str, image_shape))}")

    task = configuration.get("task", "reconstruct")
    if task not in ("reconstruct", "complete"):
        fail(f"unknown task '{task}'")
    mask = None
    if task == "complete":
        try:
            mask = occlusion_mask(configuration.get("mask", "bottom"), image_shape[0], image_shape[1])
        except ValueError as error:
            fail(str(error))
    try:
        model = build_model(configuration, image_shape, mask)
    except ValueError as error:
        fail(str(error))
    state = load_file(checkpoint)
    try:
        model.load_state_dict(state, strict=True)
    except RuntimeError as error:
        hint = (" (optimizer.* entries: the file was written before format version 2, which keeps optimiser state in "
                "training-state.safetensors)") if any(name.startswith("optimizer.") for name in state) else ""
        fail(f"{checkpoint} does not fit the {configuration['model']} model{hint}: {error}")
    model.eval()

    if configuration["model"] == "pixelcnn":
        # A sampling model: its test likelihood (teacher forcing), as `imagegen evaluate` prints it.
        with torch.no_grad():
            nats = sum(model(batch).double().item() * len(batch) for batch in images.split(arguments.batch_size)) / len(images)
        print(f"pixelcnn on {dataset} test ({len(images)} images), PyTorch {torch.__version__}:")
        print(f"test negative log-likelihood {nats / math.log(2):.4f} bits per hidden pixel")
        return

    # Squared errors are summed in float64, as ImageGen sums them in Double.
    total, hidden_total = 0.0, 0.0
    hidden = None if mask is None else (mask == 0).reshape(1, 1, *mask.shape).expand(-1, image_shape[2], -1, -1)
    with torch.no_grad():
        for batch in images.split(arguments.batch_size):
            inputs = batch if mask is None else batch * mask
            squared = (model(inputs) - batch).double() ** 2
            total += squared.sum().item()
            if hidden is not None:
                hidden_total += squared[hidden.expand(len(batch), -1, -1, -1)].sum().item()
    mse = total / images.numel()
    psnr = -10 * math.log10(mse) if mse > 0 else math.inf
    print(f"{configuration['model']} on {dataset} test ({len(images)} images), PyTorch {torch.__version__}:")
    print(f"test MSE {mse:.6f}  PSNR {psnr:.2f} dB  (all pixels)")
    if hidden is not None:
        hidden_pixels = int(hidden.sum().item()) * len(images)
        print(f"test hidden-pixel MSE {hidden_total / hidden_pixels:.6f}  (the {int(hidden.sum().item())} pixels per image "
              f"that mask '{configuration.get('mask')}' hides)")


if __name__ == "__main__":
    main()

"""Non-learned baselines for completing Fashion-MNIST test images with the article's occlusion (rows ⌊W/2⌋+1 … H−1
hidden): OpenCV's Telea inpainting and the mean training image. Prints their MSE over the hidden pixels as JSON.

Usage: python inpainting_baselines.py [--write-telea telea.idx]
  (installs opencv-python-headless into the venv on first use via compare_pytorch.sh)
With --write-telea, the 10,000 completed test images are written as an 8-bit IDX file for
`imagegen evaluate --baseline telea.idx --judge runs/judge-fashion-mnist` (class consistency, Fréchet distance).
"""
import argparse
import gzip
import json
import os
import struct

import cv2
import numpy as np

folder = "/usr/share/datasets/fashion-mnist"
arguments = argparse.ArgumentParser()
arguments.add_argument("--write-telea", metavar="PATH")
options = arguments.parse_args()


def images(name):
    with gzip.open(f"{folder}/{name}-images-idx3-ubyte.gz") as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28)


train, test = images("train"), images("t10k")
first_hidden = 28 // 2 + 1
mask = np.zeros((28, 28), np.uint8)
mask[first_hidden:, :] = 255
truth = test[:, first_hidden:, :].astype(np.float64) / 255
telea = np.stack([cv2.inpaint(np.where(mask > 0, 0, image).astype(np.uint8), mask, 3, cv2.INPAINT_TELEA) for image in test])
mean_image = train.astype(np.float64).mean(0) / 255
print(json.dumps({
    "telea_hidden_mse": float(((telea[:, first_hidden:, :] / 255 - truth) ** 2).mean()),
    "mean_image_hidden_mse": float(((mean_image[first_hidden:, :] - truth) ** 2).mean()),
}))

if options.write_telea:
    temporary = options.write_telea + ".partial"
    with open(temporary, "wb") as f:
        f.write(struct.pack(">I", 0x0803) + struct.pack(">III", *telea.shape))
        f.write(telea.astype(np.uint8).tobytes())
    os.replace(temporary, options.write_telea)

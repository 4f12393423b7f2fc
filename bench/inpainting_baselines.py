"""Non-learned baselines for completing Fashion-MNIST test images with the article's occlusion (rows ⌊W/2⌋+1 … H−1
hidden): OpenCV's Telea inpainting and the mean training image. Prints their MSE over the hidden pixels as JSON.

Usage: python inpainting_baselines.py   (installs opencv-python-headless into the venv on first use via compare_pytorch.sh)
"""
import gzip
import json

import cv2
import numpy as np

folder = "/usr/share/datasets/fashion-mnist"


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

"""Loading the Fashion-MNIST training images into a Float32 array: ImageGen (release build) vs NumPy + gzip,
alternating in one run; then JPEG decoding (ImageGen's JPEGCodec vs raw TurboJPEG calls).

Usage: python bench/load_side_by_side.py [--bench PATH] [--rounds 3]
Both sides report the median of 7 loads of /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz
(gzip IDX -> [60000, 28, 28, 1] float32 in [0, 1]).
"""
import argparse
import gzip
import json
import os
import subprocess
import sys
import time

import numpy as np

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)
path = "/usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz"


def numpy_load():
    return np.frombuffer(gzip.open(path).read(), np.uint8, offset=16).reshape(-1, 28, 28, 1).astype(np.float32) / 255


def numpy_ms(runs=7):
    numpy_load()  # warm-up, like the Swift side
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        x = numpy_load()
        times.append(time.perf_counter() - start)
    assert x.shape == (60000, 28, 28, 1) and x.dtype == np.float32
    return sorted(times)[runs // 2] * 1e3


def default_bench():
    for folder in (".build-dl", ".build"):
        candidate = os.path.join(root, folder, "release", "imagegen-bench")
        if os.path.exists(candidate):
            return candidate
    sys.exit("build first: swift build -c release --product imagegen-bench")


parser = argparse.ArgumentParser()
parser.add_argument("--bench", default=None)
parser.add_argument("--rounds", type=int, default=3)
args = parser.parse_args()
bench = args.bench or default_bench()

ours, theirs = [], []
for r in range(args.rounds):
    result = json.loads(subprocess.run([bench, "load"], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    ours.append(result["ms"])
    theirs.append(numpy_ms())
    print(f"round {r + 1}: ImageGen {result['ms']:7.1f} ms (two steps {result['two_step_ms']:.1f}: read {result['read_ms']:.1f} + convert {result['convert_ms']:.1f})"
          f"   NumPy+gzip {theirs[-1]:7.1f} ms", flush=True)
o, t = sorted(ours)[len(ours) // 2], sorted(theirs)[len(theirs) // 2]
print(f"load Fashion-MNIST train -> float32 [60000,28,28,1]: ImageGen {o:.1f} ms   NumPy {np.__version__} + gzip {t:.1f} ms"
      f"   ImageGen is {t / o:.2f}x as fast")

jpeg = json.loads(subprocess.run([bench, "jpeg"], check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
print(f"decode 250x250 RGB JPEG ({jpeg['bytes']} bytes): JPEGCodec {jpeg['ours_ms']:.3f} ms   raw TurboJPEG {jpeg['turbojpeg_ms']:.3f} ms"
      f" (reused decompressor)   raw TurboJPEG {jpeg['turbojpeg_fresh_handle_ms']:.3f} ms (new decompressor per image, as JPEGCodec)")

#!/usr/bin/env bash
# Installs what is missing, builds ImageGen in release mode and runs the main job on Fashion-MNIST.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product imagegen
.build/release/imagegen train --model dense --latent 32 --task reconstruct --dataset fashion-mnist --epochs 1 \
  --output runs/demo-dense --overwrite

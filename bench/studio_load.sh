#!/usr/bin/env bash
# Load benchmark of `imagegen serve` (see bench/studio_load.py): builds imagegen in release mode, trains the
# article's CNN on 2,000 Fashion-MNIST images for one epoch when bench/.studio-runs/cnn is missing and runs 10,000
# completion requests of test image 0 from 8 keep-alive clients on loopback. Arguments go to studio_load.py.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product imagegen
imagegen=.build/release/imagegen
runs=bench/.studio-runs
if [ ! -f "$runs/cnn/model.safetensors" ]; then
  "$imagegen" train --model cnn --latent 32 --kernel 3 --task complete --mask bottom --dataset fashion-mnist \
    --epochs 1 --limit 2000 --quiet --output "$runs/cnn" --overwrite
fi
python3 bench/studio_load.py --imagegen "$imagegen" --runs "$runs" --run cnn "$@"

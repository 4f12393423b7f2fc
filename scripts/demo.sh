#!/usr/bin/env bash
# Installs what is missing, builds ImageGen in release mode and runs the main job on Fashion-MNIST: the article's
# deep CNN and ImageGen's completion model, trained on the article's occlusion (bottom half hidden), each with a
# report.html. A few minutes on 2 cores; pass --full to train on all 48,000 training images.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product imagegen
limit=(--limit 12000)
[ "${1:-}" = "--full" ] && limit=()
for model in cnn completion; do
  extra=(); [ "$model" = completion ] && extra=(--batch-size 16 --lr 0.002 --lr-schedule cosine --warmup 0.05)
  .build/release/imagegen train --model "$model" --latent 32 --kernel 3 --task complete --mask bottom "${extra[@]}" \
    --dataset fashion-mnist --epochs 3 "${limit[@]}" --output "runs/demo/$model" --overwrite
done
echo "Reports: runs/demo/cnn/report.html and runs/demo/completion/report.html"

#!/usr/bin/env bash
# Installs what is missing, builds ImageGen in release mode and runs the main job on Fashion-MNIST: the article's
# deep CNN and ImageGen's completion model, trained on the article's occlusion (bottom half hidden), each with a
# report.html; then a completion model trained on free-form strokes (for masks painted in the studio), a background
# generator and a letter GAN, so every tab of the studio has a model. A few minutes on 2 cores; pass --full to
# train the autoencoders on all 48,000 training images.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-dependencies.sh
swift build -c release --product imagegen
imagegen=.build/release/imagegen
limit=(--limit 12000)
[ "${1:-}" = "--full" ] && limit=()
completion=(--batch-size 16 --lr 0.002 --lr-schedule cosine --warmup 0.05)
"$imagegen" train --model cnn --latent 32 --kernel 3 --task complete --mask bottom \
  --dataset fashion-mnist --epochs 3 "${limit[@]}" --output runs/demo/cnn --overwrite
"$imagegen" train --model completion --latent 32 --kernel 3 --task complete --mask bottom "${completion[@]}" \
  --dataset fashion-mnist --epochs 3 "${limit[@]}" --output runs/demo/completion --overwrite
# Free-form strokes, a different mask for every image: the model a painted mask is made for.
"$imagegen" train --model completion --latent 32 --kernel 3 --task complete --mask strokes "${completion[@]}" \
  --dataset fashion-mnist --epochs 3 "${limit[@]}" --output runs/demo/completion-strokes --overwrite
"$imagegen" backgrounds train --model diverse --steps 300 --output runs/demo/backgrounds --overwrite
"$imagegen" gan train --epochs 2 --per-letter 200 --output runs/demo/gan --overwrite
echo "Reports: runs/demo/*/report.html"
echo "Studio:  $imagegen serve --runs runs/demo    (then open http://127.0.0.1:8080)"

#!/usr/bin/env bash
# Installs PyTorch (CPU) into bench/.venv when missing, builds ImageGen's benchmarks in release mode and
# runs both side by side in one run. Arguments are passed to side_by_side.py (workload names, --threads N).
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x bench/.venv/bin/python ]; then
  python3 -m venv bench/.venv
  wheel=$(find / -name 'torch-*+cpu*.whl' 2>/dev/null | head -n 1 || true)
  if [ -n "$wheel" ]; then bench/.venv/bin/pip install -q "$wheel" numpy opencv-python-headless; else bench/.venv/bin/pip install -q torch numpy opencv-python-headless; fi
fi
swift build -c release --product imagegen-bench
bench/.venv/bin/python bench/side_by_side.py "$@"

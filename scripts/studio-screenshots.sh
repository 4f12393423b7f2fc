#!/usr/bin/env bash
# The README's screenshots of the studio: runs the browser test (scripts/studio/browser_test.py, every check
# included) against `imagegen serve` on the runs scripts/demo.sh trained, writing docs/screenshots/studio-<tab>.png.
# Run scripts/demo.sh and scripts/studio-test.sh (which installs Chromium and the Python venv) first. The README's
# letters come from GAN_RUN=gan-60, a run of `imagegen gan train --epochs 60 --per-letter 200 --output runs/demo/gan-60`
# (13 minutes here; 62.5 % of its letters recognised, against chance for the demo's 2 epochs).
set -euo pipefail
cd "$(dirname "$0")/.."
imagegen=.build/release/imagegen
venv=.build/studio-venv
port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$imagegen" serve --runs runs/demo --port "$port" > /tmp/imagegen-studio-screenshots.log 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do
  "$venv/bin/python" -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:$port/api/runs', timeout=1)" 2>/dev/null && break
  sleep 0.1
done
export SE_OFFLINE=true SE_AVOID_BROWSER_DOWNLOAD=true SE_AVOID_STATS=true
"$venv/bin/python" scripts/studio/browser_test.py --url "http://127.0.0.1:$port" --screenshots docs/screenshots \
  --completion-run completion-strokes --cnn-run cnn --background-run backgrounds --gan-run "${GAN_RUN:-gan}" --sampling-run ""

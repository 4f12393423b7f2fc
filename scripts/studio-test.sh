#!/usr/bin/env bash
# Out-of-process tests of ImageGen Studio (`imagegen serve`): trains five tiny runs (a completion network on the
# strokes mask, the article's CNN on the bottom mask, a sampling pixelcnn, a background generator, a letter GAN) into a temporary runs
# folder, serves them, then
#   1. scripts/studio/browser_test.py — headless Chromium drives the page as a person would, plus the security
#      checks (other origins refused, CSP, path traversal, 413, 415); screenshots to .build/studio-screenshots/
#      on success (the README's, of the demo's runs, come from scripts/studio-screenshots.sh);
#   2. scripts/studio/api_fuzz.py — schemathesis against /openapi.json (generated ids, then real ids and images);
#   3. scripts/studio/malformed_uploads.py — the image fuzz corpora posted as image and mask.
# Installs what is missing first: Debian's chromium and chromium-driver, a Python venv in .build/studio-venv with
# pinned selenium and schemathesis. Any failure fails the script. Run by scripts/test.sh after `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
started=$SECONDS
quiet() { grep -vE '^\[[0-9]+/[0-9]+\] (Compiling|Emitting|Write|Linking)|^Building for|^Build complete' || true; }
sudo_cmd=""
[ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"

echo "== studio: dependencies"
scripts/install-dependencies.sh
if [ ! -x /usr/bin/chromium ] || [ ! -x /usr/bin/chromedriver ]; then
  echo "Installing: chromium chromium-driver"
  $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get -o DPkg::Lock::Timeout=600 install -y -qq chromium chromium-driver >/dev/null
fi
venv=.build/studio-venv
requirements="selenium==4.51.0 schemathesis==4.32.5"
if [ ! -x "$venv/bin/python" ] || [ "$(cat "$venv/.requirements" 2>/dev/null)" != "$requirements" ]; then
  echo "Creating $venv ($requirements)"
  rm -rf "$venv"
  python3 -m venv "$venv"
  # shellcheck disable=SC2086
  "$venv/bin/pip" install -q --disable-pip-version-check $requirements
  echo "$requirements" > "$venv/.requirements"
fi
# Selenium is given /usr/bin/chromedriver and /usr/bin/chromium, so its selenium-manager never runs; these keep
# it offline even if it did.
export SE_OFFLINE=true SE_AVOID_BROWSER_DOWNLOAD=true SE_AVOID_STATS=true

echo "== studio: swift build --product imagegen (debug, reusing the test build)"
swift build --product imagegen 2>&1 | quiet
imagegen="$(swift build --show-bin-path)/imagegen"

scratch="$(mktemp -d /tmp/imagegen-studio-test.XXXXXX)"
runs="$scratch/runs"
mkdir -p "$runs"
server_pid=""
cleanup() {
  if [ -n "$server_pid" ] && kill -0 "$server_pid" 2>/dev/null; then
    kill "$server_pid" 2>/dev/null || true
    wait "$server_pid" 2>/dev/null || true
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT

echo "== studio: training five tiny runs into $runs"
train() {  # name, command…
  local name=$1 t0=$SECONDS
  shift
  if ! "$@" > "$scratch/train-$name.log" 2>&1; then
    cat "$scratch/train-$name.log"
    echo "FAIL training $name: $*"
    exit 1
  fi
  echo "  $name: $((SECONDS - t0))s"
}
train completion-strokes "$imagegen" train --model completion --task complete --mask strokes --epochs 1 --limit 300 --test-limit 100 \
  --batch-size 16 --quiet --output "$runs/completion-strokes"
train cnn-bottom "$imagegen" train --model cnn --task complete --mask bottom --epochs 1 --limit 300 --test-limit 100 --quiet --output "$runs/cnn-bottom"
train pixelcnn-bottom "$imagegen" train --model pixelcnn --task complete --mask bottom --epochs 1 --limit 300 --test-limit 50 \
  --quiet --output "$runs/pixelcnn-bottom"
train backgrounds "$imagegen" backgrounds train --model diverse --steps 20 --batch-size 16 --checkpoint-every 10 --quiet \
  --output "$runs/backgrounds"
train gan "$imagegen" gan train --epochs 1 --per-letter 12 --batch-size 64 --quiet --output "$runs/gan"

echo "== studio: imagegen serve"
port="$("$venv/bin/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
url="http://127.0.0.1:$port"
"$imagegen" serve --runs "$runs" --port "$port" > "$scratch/serve.log" 2>&1 &
server_pid=$!
for _ in $(seq 1 300); do
  if ! kill -0 "$server_pid" 2>/dev/null; then
    cat "$scratch/serve.log"
    echo "FAIL imagegen serve exited before answering"
    exit 1
  fi
  if "$venv/bin/python" -c "import sys, urllib.request; sys.exit(0 if urllib.request.urlopen('$url/api/runs', timeout=2).status == 200 else 1)" 2>/dev/null; then
    break
  fi
  sleep 0.2
done
"$venv/bin/python" -c "import json, urllib.request; r = json.load(urllib.request.urlopen('$url/api/runs')); print('  serving', len(r['runs']), 'runs on $url')"

# Each part runs even when an earlier one failed, so one run reports everything; the script fails if any did.
results=()
status=0
part() {  # label, command…
  local label=$1 t0=$SECONDS
  shift
  echo "== studio: $label"
  if "$@"; then
    results+=("PASS  $label ($((SECONDS - t0))s)")
  else
    results+=("FAIL  $label ($((SECONDS - t0))s)")
    status=1
  fi
}
part "browser and security (browser_test.py)" "$venv/bin/python" scripts/studio/browser_test.py --url "$url" --screenshots .build/studio-screenshots
part "schemathesis (api_fuzz.py)" "$venv/bin/python" scripts/studio/api_fuzz.py --url "$url"
part "malformed uploads (malformed_uploads.py)" "$venv/bin/python" scripts/studio/malformed_uploads.py --url "$url"

if kill -0 "$server_pid" 2>/dev/null; then
  results+=("PASS  the server is still running")
else
  results+=("FAIL  the server died during the tests")
  status=1
fi
if grep -qiE 'fatal error|crash|segmentation fault|assertion failed' "$scratch/serve.log"; then
  results+=("FAIL  the server's log reports a crash")
  status=1
fi
if [ "$status" -ne 0 ]; then
  echo "-- the server's log (last 40 lines):"
  tail -n 40 "$scratch/serve.log"
fi

echo "== studio: summary ($((SECONDS - started))s)"
printf '  %s\n' "${results[@]}"
passed=$(printf '%s\n' "${results[@]}" | grep -c '^PASS' || true)
failed=$(printf '%s\n' "${results[@]}" | grep -c '^FAIL' || true)
echo "studio: $passed passed, $failed failed"
exit "$status"

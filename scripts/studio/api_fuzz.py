#!/usr/bin/env python3
"""Runs schemathesis against the studio's OpenAPI document, in two phases, and counts the requests it sent.

    api_fuzz.py --url http://127.0.0.1:PORT [--examples N] [--seed S]

Phase 1 lets schemathesis generate everything, so the run ids it invents are unknown (404s): it checks routing,
body parsing and the error bodies. Phase 2 binds the `id` path parameter and the `run` / `backgroundRun` body
fields to real run ids (schemathesis dictionaries: most drawn values are real ids, of the job each operation
needs), and `image` / `mask` to real and malformed base64 images, so the generated requests reach the models.
Checks: not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance,
response_headers_conformance. Fails unless every check passed and at least --min-requests requests were sent."""

from __future__ import annotations

import argparse
import base64
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import studio_common as common  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance,response_headers_conformance"
IMAGE_CORPUS = "Tests/ImagingTests/Fixtures/fuzz-corpus"


def toml_string(value: str) -> str:
    return json.dumps(value)  # a JSON string is a valid TOML basic string


def toml_values(values: list) -> str:
    return "[" + ", ".join(toml_string(v) if isinstance(v, str) else repr(v) for v in values) + "]"


def phase_two_config(url: str) -> str:
    """The schemathesis.toml of phase 2: dictionaries of real ids and images, bound per operation."""
    client = common.Client(url)
    run_list = common.runs(client)
    by_job = {job: [r["id"] for r in run_list if r["job"] == job] for job in ("autoencoder", "background", "gan")}
    completing = [r["id"] for r in run_list if r["completes"]]
    everything = [r["id"] for r in run_list]
    images, masks = [], ["run", "bottom", "top", "left", "right", "centre", "center", "rectangles", "strokes", "painted", ""]
    for run_id in completing:
        reply = client.get(f"/api/runs/{run_id}/test-image?index=1")
        if reply.status != 200:
            raise SystemExit(f"GET /api/runs/{run_id}/test-image: {reply.describe()}")
        image = reply.json()["image"]
        images += [image, image.split(",", 1)[1]]
        decoded = common.data_url_png(image)
        # Masks of the model's size: all visible, all hidden, a checkerboard; and one of the wrong size.
        for pattern in (lambda x, y: 255, lambda x, y: 0, lambda x, y: 255 * ((x + y) % 2)):
            pixels = bytes(pattern(x, y) for y in range(decoded.height) for x in range(decoded.width))
            masks.append(base64.b64encode(common.encode_png(decoded.width, decoded.height, 1, pixels)).decode())
        masks.append(base64.b64encode(common.encode_png(7, 5, 1, bytes(35))).decode())
    for folder, _, names in os.walk(os.path.join(ROOT, IMAGE_CORPUS)):
        for name in sorted(names):
            with open(os.path.join(folder, name), "rb") as handle:
                encoded = base64.b64encode(handle.read()).decode()
            images.append(encoded)
            masks.append(encoded)
    words = ["hello", "a", "Studio", "hello world", "  ", "ab cd ef", "x" * 32, "z" * 33, "héllo", "abc1"]
    lines = [
        "# Written by scripts/studio/api_fuzz.py for phase 2: real run ids and images.",
        f"[dictionaries.runs]\nvalues = {toml_values(everything)}",
        f"[dictionaries.autoencoders]\nvalues = {toml_values(completing or everything)}",
        f"[dictionaries.backgrounds]\nvalues = {toml_values(by_job['background'] or everything)}",
        f"[dictionaries.gans]\nvalues = {toml_values(by_job['gan'] or everything)}",
        f"[dictionaries.images]\nvalues = {toml_values(images)}",
        f"[dictionaries.masks]\nvalues = {toml_values(masks)}",
        f"[dictionaries.words]\nvalues = {toml_values(words)}",
        '[parameters]\n"path.id" = { dictionary = "runs", probability = 0.9 }',
        '[[operations]]\ninclude-name = "POST /api/complete"\n[operations.parameters]\n'
        '"body.run" = { dictionary = "autoencoders", probability = 0.9 }\n'
        '"body.image" = { dictionary = "images", probability = 0.8 }\n'
        '"body.mask" = { dictionary = "masks", probability = 0.7 }',
        '[[operations]]\ninclude-name = "POST /api/backgrounds"\n[operations.parameters]\n'
        '"body.run" = { dictionary = "backgrounds", probability = 0.9 }',
        '[[operations]]\ninclude-name = "POST /api/letters"\n[operations.parameters]\n'
        '"body.run" = { dictionary = "gans", probability = 0.9 }\n'
        '"body.backgroundRun" = { dictionary = "backgrounds", probability = 0.5 }\n'
        '"body.text" = { dictionary = "words", probability = 0.3 }',
    ]
    return "\n\n".join(lines) + "\n"


def run_phase(label: str, url: str, examples: int, seed: int, config: str | None, scratch: str, max_time: int) -> tuple[int, dict]:
    """Runs schemathesis once; returns its exit code and a summary (requests sent, from the HAR report)."""
    folder = os.path.join(scratch, label)
    os.makedirs(folder)
    command = [os.path.join(os.path.dirname(sys.executable), "schemathesis")]
    if config is not None:
        path = os.path.join(folder, "schemathesis.toml")
        with open(path, "w") as handle:
            handle.write(config)
        command += ["--config-file", path]
    command += ["run", f"{url}/openapi.json", "--checks", CHECKS, "--phases", "examples,coverage,fuzzing",
                "--max-examples", str(examples), "--seed", str(seed), "--workers", "2", "--no-color",
                "--generation-database", "none", "--request-timeout", "30",
                "--report", "har,json", "--report-dir", folder, "--output-truncate", "true", "--suppress-health-check", "all"]
    started = time.monotonic()
    print(f"-- {label}: {' '.join(command[1:])}", flush=True)
    try:
        process = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                                 env={**os.environ, "NO_COLOR": "1"}, timeout=max_time)
    except subprocess.TimeoutExpired as expired:
        output = expired.stdout.decode() if isinstance(expired.stdout, bytes) else (expired.stdout or "")
        print(output[-6000:])
        print(f"   {label}: schemathesis took more than {max_time}s", flush=True)
        return 124, {"requests": 0, "statuses": {}, "failures": ["timed out"]}
    elapsed = time.monotonic() - started
    output = process.stdout
    log = os.path.join(folder, "output.txt")
    with open(log, "w") as handle:
        handle.write(output)
    requests, statuses = 0, {}
    # schemathesis names its reports har-<time>.json and json-<time>.json.
    for name in os.listdir(folder):
        if name.startswith("har-") or name.endswith(".har"):
            with open(os.path.join(folder, name)) as handle:
                for entry in json.load(handle)["log"]["entries"]:
                    requests += 1
                    status = entry.get("response", {}).get("status", 0)
                    statuses[status] = statuses.get(status, 0) + 1
    report = {}
    for name in os.listdir(folder):
        if name.startswith("json-") and name.endswith(".json"):
            with open(os.path.join(folder, name)) as handle:
                report = json.load(handle)
    if process.returncode != 0:
        # The failures, as schemathesis prints them (with the reproducing curl commands).
        start = output.find("FAILURES")
        print(output[start if start >= 0 else 0:][-12000:], flush=True)
    generated = report.get("test_cases", {}).get("generated", "?")
    print(f"   {label}: exit {process.returncode}, {requests} requests ({generated} test cases) in {elapsed:.0f}s; "
          f"statuses {dict(sorted(statuses.items()))}", flush=True)
    return process.returncode, {"requests": requests, "statuses": statuses, "failures": report.get("failures", [])}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--examples", type=int, default=120, help="max examples per operation and phase")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--min-requests", type=int, default=1000)
    parser.add_argument("--max-time", type=int, default=300, help="seconds per schemathesis run at most (then it fails)")
    parser.add_argument("--keep", help="folder that receives the reports (default: a temporary one, deleted)")
    arguments = parser.parse_args()
    url = arguments.url.rstrip("/")
    scratch = arguments.keep or tempfile.mkdtemp(prefix="studio-schemathesis-")
    try:
        code1, first = run_phase("phase1-generated", url, arguments.examples, arguments.seed, None, scratch, arguments.max_time)
        code2, second = run_phase("phase2-real-ids", url, arguments.examples, arguments.seed, phase_two_config(url), scratch,
                                  arguments.max_time)
    finally:
        if not arguments.keep:
            subprocess.run(["rm", "-rf", scratch])
    total = first["requests"] + second["requests"]
    reached = sum(n for status, n in second["statuses"].items() if status in (200, 422))
    print(f"schemathesis: {total} requests in total ({first['requests']} + {second['requests']}); "
          f"phase 2 reached the models in {reached} (200/422)", flush=True)
    checks = common.Checks("schemathesis")
    checks.check(code1 == 0, "phase 1 (generated ids): every check passed", json.dumps(first["failures"])[:2000])
    checks.check(code2 == 0, "phase 2 (real ids): every check passed", json.dumps(second["failures"])[:2000])
    checks.check(total >= arguments.min_requests, f"at least {arguments.min_requests} requests", str(total))
    checks.check(second["statuses"].get(200, 0) > 0, "phase 2: some requests succeeded (200)", str(second["statuses"]))
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())

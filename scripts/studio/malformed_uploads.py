#!/usr/bin/env python3
"""Posts every file of the image fuzz corpora (malformed PNG/JPEG files), and truncations and corruptions of a real
test image, to POST /api/complete as `image` and as `mask`, each on a fresh connection, with real run ids.

    malformed_uploads.py --url http://127.0.0.1:PORT [--run-name completion-strokes --run-name cnn-bottom]

Each must get 400 or 422 with the contract's JSON error body, or 200 when the file happens to be a valid image
(a valid mask of the model's size); never a 5xx, never a dropped connection. Afterwards GET /api/runs still
answers 200."""

from __future__ import annotations

import argparse
import base64
import http.client
import os
import sys
import zlib

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import studio_common as common  # noqa: E402

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
CORPORA = ["Tests/ImagingTests/Fixtures/fuzz-corpus", "Tests/DataTests/Fixtures/fuzz-corpus"]


def corpus_files() -> list[tuple[str, bytes]]:
    files = []
    for corpus in CORPORA:
        for folder, _, names in sorted(os.walk(os.path.join(ROOT, corpus))):
            for name in sorted(names):
                path = os.path.join(folder, name)
                with open(path, "rb") as handle:
                    files.append((os.path.relpath(path, ROOT), handle.read()))
    return files


def damaged(png: bytes) -> list[tuple[str, bytes]]:
    """Truncations and corruptions of a valid PNG."""
    cases = [(f"test image truncated to {n} bytes", png[:n]) for n in (1, 8, 16, 33, 40, len(png) // 2, len(png) - 12, len(png) - 1)]
    flipped = bytearray(png)
    flipped[len(png) // 2] ^= 0xFF
    cases.append(("test image with a flipped byte in IDAT", bytes(flipped)))
    cases.append(("test image with a zero-length IDAT", png[:33] + b"\x00\x00\x00\x00IDAT" + zlib.crc32(b"IDAT").to_bytes(4, "big")
                  + b"\x00\x00\x00\x00IEND\xaeB`\x82"))
    cases.append(("test image twice", png + png))
    cases.append(("64 KiB of zeros", bytes(65536)))
    cases.append(("a PNG signature then garbage", common.PNG_SIGNATURE + os.urandom(200)))
    cases.append(("a JPEG SOI then garbage", b"\xff\xd8\xff" + os.urandom(200)))
    return cases


def post(url: str, payload: dict) -> tuple[common.Response | None, str]:
    """One request on its own connection; None and the error when the connection failed."""
    client = common.Client(url, retry=False)
    try:
        return client.post_json("/api/complete", payload), ""
    except (OSError, http.client.HTTPException) as error:
        return None, repr(error)
    finally:
        client.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--url", required=True)
    parser.add_argument("--run-name", action="append", help="run folder names to post to (default completion-strokes, cnn-bottom)")
    arguments = parser.parse_args()
    url = arguments.url.rstrip("/")
    checks = common.Checks("malformed_uploads")
    client = common.Client(url)
    run_list = common.runs(client)
    targets = [common.run_named(run_list, name) for name in (arguments.run_name or ["completion-strokes", "cnn-bottom"])]

    reply = client.get(f"/api/runs/{targets[0]['id']}/test-image?index=0")
    if reply.status != 200:
        common.fail(f"GET test-image: {reply.describe()}")
    test_image = reply.json()["image"]
    test_png = common.data_url_bytes(test_image)

    cases = corpus_files() + damaged(test_png)
    statuses: dict[int | str, int] = {}
    for run in targets:
        for name, data in cases:
            encoded = base64.b64encode(data).decode()
            for field, payload in (
                    ("image", {"run": run["id"], "image": encoded}),
                    ("image as a data: URL", {"run": run["id"], "image": "data:image/png;base64," + encoded, "mask": "bottom"}),
                    ("mask", {"run": run["id"], "image": test_image, "mask": encoded}),
                    ("mask as a data: URL", {"run": run["id"], "image": test_image, "mask": "data:image/png;base64," + encoded})):
                what = f"{run['name']}: {name} as {field}"
                reply, problem = post(url, payload)
                if reply is None:
                    checks.check(False, what, f"the connection failed: {problem}")
                    statuses["dropped"] = statuses.get("dropped", 0) + 1
                    continue
                statuses[reply.status] = statuses.get(reply.status, 0) + 1
                if reply.status == 200:
                    try:
                        body = reply.json()
                        ok = isinstance(body.get("completions"), list) and body.get("completions")
                    except ValueError:
                        ok = False
                    checks.check(bool(ok), what + ": a 200 carries a completion", reply.describe())
                else:
                    checks.check(reply.status in (400, 422) and common.is_error_body(reply),
                                 what + ": 400/422 with a JSON error", reply.describe())
    reply = client.get("/api/runs")
    checks.check(reply.status == 200, "GET /api/runs still answers 200 afterwards", reply.describe())
    print(f"malformed uploads: {len(cases)} files × {len(targets)} runs × 4 ways; statuses {dict(sorted(statuses.items(), key=str))}")
    return checks.finish()


if __name__ == "__main__":
    sys.exit(main())

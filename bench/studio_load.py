"""Load benchmark of ImageGen Studio (`imagegen serve`) on loopback: one 28×28 Fashion-MNIST completion per
request with the article's CNN (bottom half hidden).

Measures, in one run on this machine:
  * latency p50/p90/p99 and requests per second with 8 concurrent clients (keep-alive connections), and the
    forward-pass batch sizes the server reports (X-Batch-Size);
  * the same with 1 client: the difference in p50 is what batching costs a request that arrives alone;
  * images per second of running `imagegen complete` once per image (process start, checkpoint read, one image);
  * the server's resident memory after the first 100 requests and after 10,000.

Only the standard library: run with any python3. See bench/studio_load.sh for the whole set-up.
"""

from __future__ import annotations

import argparse
import base64
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time


def rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


class Client:
    """One keep-alive connection posting the same completion request."""

    def __init__(self, port: int, body: bytes):
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        self.body = body
        self.headers = {"Content-Type": "application/json", "Accept": "image/png"}

    def request(self) -> tuple[float, int]:
        started = time.perf_counter()
        self.connection.request("POST", "/api/complete", body=self.body, headers=self.headers)
        response = self.connection.getresponse()
        payload = response.read()
        elapsed = time.perf_counter() - started
        if response.status != 200 or not payload.startswith(b"\x89PNG"):
            raise RuntimeError(f"status {response.status}: {payload[:200]!r}")
        return elapsed, int(response.getheader("X-Batch-Size", "1"))


def load(port: int, body: bytes, clients: int, total: int) -> dict:
    latencies: list[float] = []
    batches: list[int] = []
    lock = threading.Lock()
    remaining = [total]
    errors: list[str] = []

    def worker():
        client = Client(port, body)
        mine: list[tuple[float, int]] = []
        while True:
            with lock:
                if remaining[0] == 0:
                    break
                remaining[0] -= 1
            try:
                mine.append(client.request())
            except Exception as error:  # noqa: BLE001 - reported below
                errors.append(str(error))
                break
        with lock:
            latencies.extend(m[0] for m in mine)
            batches.extend(m[1] for m in mine)

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    if errors:
        raise RuntimeError(f"{len(errors)} requests failed, first: {errors[0]}")
    ms = [1000 * v for v in latencies]
    return {"clients": clients, "requests": len(ms), "seconds": seconds, "per_second": len(ms) / seconds,
            "p50_ms": percentile(ms, 50), "p90_ms": percentile(ms, 90), "p99_ms": percentile(ms, 99),
            "mean_batch": statistics.mean(batches), "max_batch": max(batches)}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--imagegen", required=True, help="release build of imagegen")
    parser.add_argument("--runs", required=True, help="runs folder holding the CNN run")
    parser.add_argument("--run", default="cnn", help="run id of the CNN under --runs")
    parser.add_argument("--requests", type=int, default=10_000)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--processes", type=int, default=30, help="`imagegen complete` runs to time")
    parser.add_argument("--json", help="write the results here too")
    args = parser.parse_args()

    port = free_port()
    server = subprocess.Popen([args.imagegen, "serve", "--runs", args.runs, "--port", str(port)],
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    try:
        for _ in range(300):
            try:
                http.client.HTTPConnection("127.0.0.1", port, timeout=1).request("GET", "/api/runs")
                break
            except OSError:
                time.sleep(0.05)
        # The image: test image 0 of the run's dataset, as the studio gives it.
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", f"/api/runs/{args.run}/test-image?index=0")
        reply = connection.getresponse()
        if reply.status != 200:
            raise RuntimeError(f"test image: {reply.status} {reply.read()[:200]!r}")
        image = json.loads(reply.read())["image"].split(",", 1)[1]
        body = json.dumps({"run": args.run, "image": image, "mask": "run"}).encode()
        # Memory: after the first 100 requests of the concurrent load (the model loaded, the batch sizes of the
        # load seen once) and after all of them.
        warm = load(port, body, args.clients, 100)
        rss_100 = rss_mib(server.pid)
        concurrent = load(port, body, args.clients, args.requests - 100)
        rss_end = rss_mib(server.pid)
        single = load(port, body, 1, 1000)
        total_requests = warm["requests"] + concurrent["requests"]
    finally:
        server.terminate()
        server.wait(timeout=30)

    with tempfile.TemporaryDirectory() as scratch:
        out = os.path.join(scratch, "out.png")
        png = os.path.join(scratch, "in.png")
        with open(png, "wb") as f:
            f.write(base64.b64decode(image))
        times = []
        for _ in range(args.processes):
            started = time.perf_counter()
            subprocess.run([args.imagegen, "complete", "--run", os.path.join(args.runs, args.run), png, "--output", out],
                           check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - started)
    process_ms = 1000 * statistics.median(times)

    results = {"single_client": single, "concurrent": concurrent, "process_per_image_ms": process_ms,
               "process_per_image_per_second": 1000 / process_ms, "speedup_over_processes": concurrent["per_second"] / (1000 / process_ms),
               "rss_after_100_mib": rss_100, "rss_after_all_mib": rss_end, "requests_served": total_requests,
               "rss_growth": rss_end / rss_100 - 1, "batching_cost_p50_ms": concurrent["p50_ms"] - single["p50_ms"]}
    for label, r in [("1 client", single), (f"{args.clients} clients", concurrent)]:
        print(f"{label:>10}: {r['requests']:>6} requests  {r['per_second']:7.0f} req/s  p50 {r['p50_ms']:.2f} ms  "
              f"p90 {r['p90_ms']:.2f} ms  p99 {r['p99_ms']:.2f} ms  mean batch {r['mean_batch']:.2f} (max {r['max_batch']})")
    print(f"imagegen complete per image: median {process_ms:.1f} ms over {args.processes} runs "
          f"({1000 / process_ms:.1f} images/s); the server serves {results['speedup_over_processes']:.0f}× that")
    print(f"server RSS: {rss_100:.1f} MiB after 100 requests, {rss_end:.1f} MiB after {total_requests} of {args.clients} clients "
          f"({100 * results['rss_growth']:+.1f} %)")
    targets = [("p50 ≤ 5 ms (8 clients)", concurrent["p50_ms"] <= 5), ("p99 ≤ 20 ms (8 clients)", concurrent["p99_ms"] <= 20),
               ("≥ 10× per-process images/s", results["speedup_over_processes"] >= 10),
               ("RSS growth ≤ 10 %", abs(results["rss_growth"]) <= 0.10)]
    for name, met in targets:
        print(f"  {'met' if met else 'NOT MET':>7}  {name}")
    if args.json:
        with open(args.json, "w") as f:
            json.dump(results, f, indent=2)
    return 0 if all(met for _, met in targets) else 1


if __name__ == "__main__":
    sys.exit(main())

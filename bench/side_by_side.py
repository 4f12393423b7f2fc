"""Runs each workload in ImageGen (release build) and in PyTorch, alternating, in one run; prints the ratios.

Usage: python side_by_side.py [--threads 2] [dense cnn3 cnn5 ...]
"""
import argparse
import json
import os
import subprocess
import sys

here = os.path.dirname(os.path.abspath(__file__))
root = os.path.dirname(here)

parser = argparse.ArgumentParser()
parser.add_argument("--threads", type=int, default=2)
parser.add_argument("workloads", nargs="*", default=["dense", "cnn3", "cnn5"])
args = parser.parse_args()

bench = os.path.join(root, ".build", "release", "imagegen-bench")
rows = []
for workload in args.workloads:
    ours = json.loads(subprocess.run([bench, "--threads", str(args.threads), workload], check=True,
                                     capture_output=True, text=True).stdout.strip().splitlines()[-1])
    theirs = json.loads(subprocess.run([sys.executable, os.path.join(here, "torch_workloads.py"), str(args.threads), workload],
                                       check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1])
    key = "img_s" if "img_s" in ours else "steps_s"
    rows.append((ours["model"], ours[key], theirs[key], key, theirs["torch"]))
    print(f"{ours['model']:<42} ImageGen {ours[key]:>10.1f} {key}   PyTorch {theirs[key]:>10.1f}   ratio {ours[key] / theirs[key]:.2f}x",
          flush=True)
print(f"(PyTorch {rows[0][4] if rows else '?'}, {args.threads} threads each)")

"""Closed-form ridge regression hidden rows <- visible rows: a linear reference point (not a 3-epoch recipe)."""
import gzip, numpy as np, json, sys
folder = "/usr/share/datasets/fashion-mnist"
def images(name):
    with gzip.open(f"{folder}/{name}-images-idx3-ubyte.gz") as f:
        return np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 28, 28).astype(np.float64) / 255
tr, te = images("train"), images("t10k")
order = np.random.default_rng(0).permutation(len(tr)); tr = tr[order[:48000]]
for n in (12000, 48000):
    for flip in (False, True):
        x = tr[:n]
        if flip: x = np.concatenate([x, x[:, :, ::-1]])
        V = x[:, :15].reshape(len(x), -1); H = x[:, 15:].reshape(len(x), -1)
        V1 = np.hstack([V, np.ones((len(V), 1))])
        for lam in (1.0, 10.0):
            W = np.linalg.solve(V1.T @ V1 + lam * np.eye(V1.shape[1]), V1.T @ H)
            Vt = np.hstack([te[:, :15].reshape(len(te), -1), np.ones((len(te), 1))])
            p = np.clip(Vt @ W, 0, 1)
            print(json.dumps({"n": n, "flip": flip, "lam": lam, "hidden_mse": float(((p - te[:, 15:].reshape(len(te), -1)) ** 2).mean())}), flush=True)

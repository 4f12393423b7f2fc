"""Completion-network research for ImageGen (article's occlusion: rows 15..27 hidden).

Trains one variant with the torch_quality.py protocol (seeded 80/20 split, first LIMIT images, Glorot-uniform
weights, zero biases) and appends a line to results.md.

Usage: python complete.py --arch unet --epochs 3 --limit 12000 [switches]
"""
import argparse, gzip, json, math, os, time
import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

p = argparse.ArgumentParser()
p.add_argument("--arch", default="unet")
p.add_argument("--epochs", type=int, default=3)
p.add_argument("--limit", type=int, default=12000)
p.add_argument("--bs", type=int, default=32)
p.add_argument("--lr", type=float, default=1e-3)
p.add_argument("--sched", default="const")      # const | cos | lin | onecycle
p.add_argument("--warm", type=float, default=0.0)  # warm-up fraction (linear from 0)
p.add_argument("--final", type=float, default=0.0)  # final lr fraction for cos/lin
p.add_argument("--opt", default="adam")
p.add_argument("--loss", default="all")         # all (whole pasted/unpasted output) | hidden
p.add_argument("--aug", default="none")         # none | flip
p.add_argument("--tta", default="none")         # none | flip
p.add_argument("--width", type=int, default=32)
p.add_argument("--ctx", type=int, default=128)
p.add_argument("--hid", type=int, default=1024)
p.add_argument("--act", default="relu")
p.add_argument("--paste", type=int, default=1)
p.add_argument("--seed", type=int, default=0)
p.add_argument("--threads", type=int, default=1)
p.add_argument("--note", default="")
p.add_argument("--log", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), "results.md"))
a = p.parse_args()

torch.set_num_threads(a.threads)
torch.manual_seed(a.seed)
folder = "/usr/share/datasets/fashion-mnist"
H0 = 15  # first hidden row


def images(name):
    with gzip.open(f"{folder}/{name}-images-idx3-ubyte.gz") as f:
        return torch.from_numpy(np.frombuffer(f.read(), np.uint8, offset=16).reshape(-1, 1, 28, 28).astype(np.float32) / 255)


train_all, test = images("train"), images("t10k")
order = np.random.default_rng(0).permutation(len(train_all))
train = train_all[order[:int(len(order) * 0.8)]][:a.limit]
mask = torch.ones(1, 1, 28, 28)
mask[..., H0:, :] = 0

ACT = {"relu": F.relu, "elu": F.elu, "lrelu": lambda x: F.leaky_relu(x, 0.2)}[a.act]


class CNN3(nn.Module):  # the article's model, as in torch_workloads.ConvAutoencoder(3)
    def __init__(self):
        super().__init__()
        import sys; sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
        from torch_workloads import ConvAutoencoder
        self.m = ConvAutoencoder(3)
        self.pastes = False

    def forward(self, x):
        return self.m(x * mask)


class UNet(nn.Module):  # ImageGen's current CompletionNetwork
    def __init__(self, w=32, ctx=128):
        super().__init__()
        self.e1 = nn.Conv2d(2, w, 3, padding=1); self.e2 = nn.Conv2d(w, 2 * w, 3, padding=1); self.e3 = nn.Conv2d(2 * w, 2 * w, 3, padding=1)
        q = 7 * 7 * 2 * w
        self.bi = nn.Linear(q, ctx); self.bo = nn.Linear(ctx, q)
        self.up2 = nn.ConvTranspose2d(4 * w, 2 * w, 2, stride=2); self.d2 = nn.Conv2d(4 * w, 2 * w, 3, padding=1)
        self.up1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2); self.d1 = nn.Conv2d(2 * w, w, 3, padding=1)
        self.out = nn.Conv2d(w, 1, 3, padding=1)
        self.pastes = True

    def forward(self, x):
        v = x * mask
        s1 = ACT(self.e1(torch.cat([v, mask.expand_as(v)], 1)))
        s2 = ACT(self.e2(F.max_pool2d(s1, 2)))
        s3 = ACT(self.e3(F.max_pool2d(s2, 2)))
        c = ACT(self.bo(ACT(self.bi(s3.flatten(1))))).view_as(s3)
        u2 = ACT(self.d2(torch.cat([ACT(self.up2(torch.cat([s3, c], 1))), s2], 1)))
        u1 = ACT(self.d1(torch.cat([ACT(self.up1(u2)), s1], 1)))
        return torch.sigmoid(self.out(u1))


class MLP(nn.Module):  # visible rows (15x28) -> hidden rows (13x28), dense
    def __init__(self, hid=1024, layers=2):
        super().__init__()
        dims = [H0 * 28] + [hid] * layers
        self.hs = nn.ModuleList(nn.Linear(dims[i], dims[i + 1]) for i in range(layers))
        self.o = nn.Linear(hid, (28 - H0) * 28)
        self.pastes = True

    def forward(self, x):
        h = x[:, :, :H0].flatten(1)
        for l in self.hs:
            h = ACT(l(h))
        return torch.cat([x[:, :, :H0] * 0, torch.sigmoid(self.o(h)).view(-1, 1, 28 - H0, 28)], 2)


class ConvDense(nn.Module):
    """Conv encoder over the visible rows -> dense context -> hidden rows as a coarse map -> conv refinement with skip.
    visible 15x28 padded to 16x28: conv(1->w) 3x3, pool -> 8x14, conv(w->2w), pool -> 4x7, dense."""
    def __init__(self, w=32, hid=1024, refine=True):
        super().__init__()
        self.c1 = nn.Conv2d(1, w, 3, padding=1); self.c2 = nn.Conv2d(w, 2 * w, 3, padding=1); self.c3 = nn.Conv2d(2 * w, 2 * w, 3, padding=1)
        self.f1 = nn.Linear(4 * 7 * 2 * w + H0 * 28, hid); self.f2 = nn.Linear(hid, hid)
        self.o = nn.Linear(hid, (28 - H0) * 28)
        self.pastes = True

    def forward(self, x):
        v = F.pad(x[:, :, :H0], (0, 0, 0, 1))  # 16x28
        h = F.max_pool2d(ACT(self.c1(v)), 2)
        h = F.max_pool2d(ACT(self.c2(h)), 2)
        h = ACT(self.c3(h))
        h = torch.cat([h.flatten(1), x[:, :, :H0].flatten(1)], 1)
        h = ACT(self.f2(ACT(self.f1(h))))
        return torch.cat([x[:, :, :H0] * 0, torch.sigmoid(self.o(h)).view(-1, 1, 28 - H0, 28)], 2)


class ConvDenseDec(ConvDense):
    """ConvDense plus a conv decoder branch: dense -> 4x7x2w -> ConvT2x2s2 -> 8x14xw -> conv3x3 -> ConvT2x2s2 -> 16x28xw
    -> conv3x3 w->1; its last 13 rows are added to the dense head's logits before the sigmoid."""
    def __init__(self, w=32, hid=1024):
        super().__init__(w, hid)
        self.w = w
        self.g = nn.Linear(hid, 4 * 7 * 2 * w)
        self.u1 = nn.ConvTranspose2d(2 * w, w, 2, stride=2); self.k1 = nn.Conv2d(w, w, 3, padding=1)
        self.u2 = nn.ConvTranspose2d(w, w, 2, stride=2); self.k2 = nn.Conv2d(w, 1, 3, padding=1)

    def forward(self, x):
        v = F.pad(x[:, :, :H0], (0, 0, 0, 1))
        h = F.max_pool2d(ACT(self.c1(v)), 2)
        h = F.max_pool2d(ACT(self.c2(h)), 2)
        h = ACT(self.c3(h))
        h = torch.cat([h.flatten(1), x[:, :, :H0].flatten(1)], 1)
        h = ACT(self.f2(ACT(self.f1(h))))
        d = self.o(h).view(-1, 1, 28 - H0, 28)
        g = ACT(self.g(h)).view(-1, 2 * self.w, 4, 7)
        g = ACT(self.k1(ACT(self.u1(g))))
        g = self.k2(ACT(self.u2(g)))[:, :, 16 - (28 - H0):]
        return torch.cat([x[:, :, :H0] * 0, torch.sigmoid(d + g)], 2)


def build():
    if a.arch == "convdec": return ConvDenseDec(a.width, a.hid)
    if a.arch == "cnn3": return CNN3()
    if a.arch == "unet": return UNet(a.width, a.ctx)
    if a.arch.startswith("mlp"): return MLP(a.hid, int(a.arch[3:] or 2))
    if a.arch == "convdense": return ConvDense(a.width, a.hid)
    raise SystemExit(a.arch)


model = build()
for m in model.modules():
    if isinstance(m, (nn.Linear, nn.Conv2d, nn.ConvTranspose2d)):
        nn.init.xavier_uniform_(m.weight); nn.init.zeros_(m.bias)
nparams = sum(q.numel() for q in model.parameters())
opt = {"adam": lambda ps: torch.optim.Adam(ps, lr=a.lr, eps=1e-7),
       "adamax": lambda ps: torch.optim.Adamax(ps, lr=a.lr, eps=1e-7)}[a.opt](model.parameters())


def complete(x):
    y = model(x)
    return x * mask + y * (1 - mask) if (model.pastes and a.paste) else y


steps_per_epoch = math.ceil(len(train) / a.bs)
total = steps_per_epoch * a.epochs


def lr_at(s):
    t = s / total
    if a.warm and t < a.warm: return a.lr * (s + 1) / (a.warm * total)
    u = (t - a.warm) / (1 - a.warm) if a.warm else t
    if a.sched == "const": f = 1.0
    elif a.sched == "cos": f = a.final + (1 - a.final) * 0.5 * (1 + math.cos(math.pi * u))
    elif a.sched == "lin": f = 1 - (1 - a.final) * u
    else: raise SystemExit(a.sched)
    return a.lr * f


start = time.time()
step = 0
for epoch in range(a.epochs):
    for batch in torch.randperm(len(train)).split(a.bs):
        x = train[batch]
        if a.aug == "flip":
            flip = torch.rand(len(x)) < 0.5
            x = torch.where(flip.view(-1, 1, 1, 1), x.flip(3), x)
        for g in opt.param_groups: g["lr"] = lr_at(step)
        opt.zero_grad(set_to_none=True)
        y = complete(x)
        loss = F.mse_loss(y[..., H0:, :], x[..., H0:, :]) if a.loss == "hidden" else F.mse_loss(y, x)
        loss.backward()
        opt.step()
        step += 1
train_time = time.time() - start
model.eval()
with torch.no_grad():
    def predict(x):
        y = complete(x)
        if a.tta == "flip":
            y = 0.5 * (y + complete(x.flip(3)).flip(3))
        return y
    sq = torch.cat([(predict(x) - x) ** 2 for x in test.split(500)])
res = {"arch": a.arch, "hidden_mse": round(sq[..., H0:, :].mean().item(), 5), "all_mse": round(sq.mean().item(), 5),
       "train_s": round(train_time, 1), "params": nparams}
cfg = {k: v for k, v in vars(a).items() if k not in ("log", "threads", "note")}
print(json.dumps({**res, **cfg}), flush=True)
with open(a.log, "a") as f:
    f.write(f"| {a.arch} | {' '.join(f'{k}={v}' for k, v in cfg.items() if k != 'arch')} | {res['hidden_mse']:.5f} | {res['all_mse']:.5f} | {res['train_s']} | {nparams} | {a.note} |\n")

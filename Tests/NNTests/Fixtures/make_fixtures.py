#!/usr/bin/env python3
"""Generates the PyTorch reference fixtures used by Tests/NNTests/TorchReferenceTests.swift.

Run from anywhere with a Python that has torch (and optionally safetensors), e.g.

    python3 -m venv /tmp/torchenv
    /tmp/torchenv/bin/pip install torch numpy safetensors
    /tmp/torchenv/bin/python Tests/NNTests/Fixtures/make_fixtures.py

It writes the JSON files next to itself. The Swift tests only read the JSON; they never need Python.

Every fixture file is a JSON object of named arrays ``{"name": {"shape": [...], "data": [...]}}`` with
values flattened row-major exactly as torch lays them out (NCHW for images, torch weight layouts).
The Swift side converts to NHWC and to its own weight layouts. Scalars (hyper-parameters) are stored
as shape-[] arrays.

Gradients are those of the probe loss L = sum(output * R) for a stored random R (plus the analogous
terms for additional outputs), so every output element contributes with its own weight.

    make_fixtures.py --verify-safetensors PATH
checks that a safetensors file written by the Swift code loads in torch and prints its tensors' shapes.
"""
import json
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
torch.set_default_dtype(torch.float32)


def entry(t):
    t = torch.as_tensor(t).detach().to(torch.float32).contiguous()
    # 9 significant digits round-trip float32 exactly.
    return {"shape": list(t.shape), "data": [float("%.9g" % v) for v in t.reshape(-1).tolist()]}


def save(name, tensors):
    path = os.path.join(HERE, name)
    with open(path, "w") as f:
        json.dump({k: entry(v) for k, v in tensors.items()}, f, separators=(",", ":"))
    print(f"wrote {name}: {os.path.getsize(path)} bytes")


def leaf(t):
    return t.detach().clone().requires_grad_(True)


def probe(out, gen):
    return torch.randn(out.shape, generator=gen)


def make_linear():
    g = torch.Generator().manual_seed(1)
    layer = nn.Linear(5, 4)
    with torch.no_grad():
        layer.weight.copy_(torch.randn(4, 5, generator=g) * 0.5)
        layer.bias.copy_(torch.randn(4, generator=g) * 0.5)
    x = leaf(torch.randn(3, 5, generator=g))
    out = layer(x)
    r = probe(out, g)
    (out * r).sum().backward()
    save("linear.json", {"x": x, "weight": layer.weight, "bias": layer.bias, "r": r, "out": out,
                         "grad_x": x.grad, "grad_weight": layer.weight.grad, "grad_bias": layer.bias.grad})


def make_conv2d():
    cases = {}
    # name: (kernel, stride, torch padding or None for Keras-same via F.pad)
    specs = {"k3_p1": (3, 1, 1), "k5_p2": (5, 1, 2), "k3_s2_p1": (3, 2, 1), "k4_same": (4, 1, None)}
    for i, (name, (k, s, p)) in enumerate(specs.items()):
        g = torch.Generator().manual_seed(100 + i)
        cin, cout, h, w = 3, 4, 7, 6
        x = leaf(torch.randn(2, cin, h, w, generator=g))
        weight = leaf(torch.randn(cout, cin, k, k, generator=g) * 0.3)
        bias = leaf(torch.randn(cout, generator=g) * 0.3)
        if p is None:
            # Keras 'same' at stride 1: total pad k-1, the extra pixel bottom/right.
            total = k - 1
            before, after = total // 2, total - total // 2
            out = F.conv2d(F.pad(x, (before, after, before, after)), weight, bias, stride=s)
        else:
            out = F.conv2d(x, weight, bias, stride=s, padding=p)
        r = probe(out, g)
        (out * r).sum().backward()
        for key, value in {"x": x, "weight": weight, "bias": bias, "r": r, "out": out,
                           "grad_x": x.grad, "grad_weight": weight.grad, "grad_bias": bias.grad}.items():
            cases[f"{name}.{key}"] = value
    save("conv2d.json", cases)


def make_conv_transpose2d():
    cases = {}
    # name: (kernel, stride, padding, output_padding, crop to stride*input (Keras same) or not)
    specs = {"k3_p1": (3, 1, 1, 0, False), "k3_s2_p1_op1": (3, 2, 1, 1, False), "k3_s2_same": (3, 2, 0, 0, True),
             "k4_s2_p1": (4, 2, 1, 0, False)}
    for i, (name, (k, s, p, op, crop)) in enumerate(specs.items()):
        g = torch.Generator().manual_seed(200 + i)
        cin, cout, h, w = 3, 2, 4, 5
        x = leaf(torch.randn(2, cin, h, w, generator=g))
        weight = leaf(torch.randn(cin, cout, k, k, generator=g) * 0.3)
        bias = leaf(torch.randn(cout, generator=g) * 0.3)
        out = F.conv_transpose2d(x, weight, bias, stride=s, padding=p, output_padding=op)
        if crop:
            # Keras/TF 'same': output stride*input; for k=3, s=2 the total crop k-s=1 comes off the bottom/right.
            out = out[:, :, : s * h, : s * w]
        r = probe(out, g)
        (out * r).sum().backward()
        for key, value in {"x": x, "weight": weight, "bias": bias, "r": r, "out": out,
                           "grad_x": x.grad, "grad_weight": weight.grad, "grad_bias": bias.grad}.items():
            cases[f"{name}.{key}"] = value
    save("conv_transpose2d.json", cases)


def make_max_pool():
    g = torch.Generator().manual_seed(300)
    n, c, h, w = 2, 3, 6, 8
    # Distinct values: no ties, so the gradient's routing is unambiguous.
    x = leaf((torch.randperm(n * c * h * w, generator=g).to(torch.float32) / 10 - 14).reshape(n, c, h, w))
    out = F.max_pool2d(x, 2)
    r = probe(out, g)
    (out * r).sum().backward()
    save("max_pool2d.json", {"x": x, "r": r, "out": out, "grad_x": x.grad})


def make_lstm():
    g = torch.Generator().manual_seed(400)
    lstm = nn.LSTM(input_size=3, hidden_size=5, batch_first=True)
    with torch.no_grad():
        for p in lstm.parameters():
            p.copy_(torch.rand(p.shape, generator=g) - 0.5)
    x = leaf(torch.randn(2, 4, 3, generator=g))
    out, (hn, cn) = lstm(x)
    r, rh, rc = probe(out, g), probe(hn[0], g), probe(cn[0], g)
    ((out * r).sum() + (hn[0] * rh).sum() + (cn[0] * rc).sum()).backward()
    save("lstm.json", {"x": x, "weight_ih": lstm.weight_ih_l0, "weight_hh": lstm.weight_hh_l0,
                       "bias_ih": lstm.bias_ih_l0, "bias_hh": lstm.bias_hh_l0,
                       "r": r, "r_h": rh, "r_c": rc, "out": out, "h_n": hn[0], "c_n": cn[0],
                       "grad_x": x.grad, "grad_weight_ih": lstm.weight_ih_l0.grad,
                       "grad_weight_hh": lstm.weight_hh_l0.grad, "grad_bias_ih": lstm.bias_ih_l0.grad,
                       "grad_bias_hh": lstm.bias_hh_l0.grad})


def make_embedding():
    g = torch.Generator().manual_seed(500)
    emb = nn.Embedding(6, 4)
    with torch.no_grad():
        emb.weight.copy_(torch.randn(6, 4, generator=g))
    indices = torch.tensor([1, 3, 3, 0, 5, 1, 3])
    out = emb(indices)
    r = probe(out, g)
    (out * r).sum().backward()
    save("embedding.json", {"weight": emb.weight, "indices": indices.to(torch.float32), "r": r, "out": out,
                            "grad_weight": emb.weight.grad})


def make_losses():
    g = torch.Generator().manual_seed(600)
    p = leaf(torch.sigmoid(torch.randn(3, 4, generator=g) * 2))
    t = torch.rand(3, 4, generator=g)
    t[0] = torch.tensor([0.0, 1.0, 0.0, 1.0])  # hard labels as well as soft ones
    bce = nn.BCELoss()(p, t)
    bce.backward()
    prediction = leaf(torch.randn(3, 4, generator=g))
    target = torch.randn(3, 4, generator=g)
    mse = nn.MSELoss()(prediction, target)
    mse.backward()
    prediction_l1 = leaf(prediction.detach())
    l1 = nn.L1Loss()(prediction_l1, target)
    l1.backward()
    save("losses.json", {"bce.p": p, "bce.t": t, "bce.loss": bce, "bce.grad_p": p.grad,
                         "mse.prediction": prediction, "mse.target": target, "mse.loss": mse,
                         "mse.grad_prediction": prediction.grad,
                         "l1.loss": l1, "l1.grad_prediction": prediction_l1.grad})


def make_optimizers():
    g = torch.Generator().manual_seed(700)
    initial = torch.randn(6, generator=g)
    steps = 5
    gradients = torch.randn(steps, 6, generator=g)
    gradients[2, 1] = 0.0  # a zero gradient entry exercises Adamax's u = max(b2 u, |g| + eps)
    makers = {
        "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
        "sgd_nesterov": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9, nesterov=True),
        "adam": lambda ps: torch.optim.Adam(ps, lr=1e-2, eps=1e-8),
        "adamax": lambda ps: torch.optim.Adamax(ps, lr=2e-2),
        "rmsprop": lambda ps: torch.optim.RMSprop(ps, lr=1e-2),
    }
    result = {"initial": initial, "gradients": gradients}
    for name, make in makers.items():
        p = nn.Parameter(initial.clone())
        opt = make([p])
        trajectory = []
        for s in range(steps):
            p.grad = gradients[s].clone()
            opt.step()
            trajectory.append(p.detach().clone())
        result[f"{name}.trajectory"] = torch.stack(trajectory)
    save("optimizers.json", result)


def make_model_checkpoint():
    """A torch-written safetensors checkpoint of a small conv model, with its output on a fixed input."""
    try:
        from safetensors.torch import save_file
    except ImportError:
        print("safetensors not installed: skipping torch_model.safetensors")
        return
    torch.manual_seed(800)
    model = nn.Sequential(nn.Conv2d(2, 3, 3, padding=1), nn.ReLU(),
                          nn.ConvTranspose2d(3, 2, 3, stride=2, padding=1, output_padding=1))
    x = torch.randn(1, 2, 4, 5)
    with torch.no_grad():
        out = model(x)
    save_file({k: v.contiguous() for k, v in model.state_dict().items()},
              os.path.join(HERE, "torch_model.safetensors"))
    save("torch_model.json", {"x": x, "out": out})


def verify_safetensors(path):
    from safetensors.torch import load_file
    tensors = load_file(path)
    for name, t in sorted(tensors.items()):
        print(f"{name}: {tuple(t.shape)} {t.dtype}")
    return tensors


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--verify-safetensors":
        verify_safetensors(sys.argv[2])
        sys.exit(0)
    make_linear()
    make_conv2d()
    make_conv_transpose2d()
    make_max_pool()
    make_lstm()
    make_embedding()
    make_losses()
    make_optimizers()
    make_model_checkpoint()

"""The PyTorch-eager / torchattacks side of `drelu bench --against pytorch`.

Usage: python reference.py CONFIG.json   (drelu writes the config; one JSON object is printed)

Equal work with drelu's side:
- the same network, built here in eager PyTorch layer for layer as drelu's ModelFactory builds it
  (Dense 784-256-128, Shallow CNN, bottleneck ResNet, each with the D-ReLU head
  dropout -> dense -> D-ReLU -> dense), holding drelu's initial weights: they are read, in
  order and shape-checked, from the TorchScript copy drelu exported of the same model;
- the same data (drelu writes it to an .npz), batch size, shuffling per epoch, loss
  (mean cross-entropy + lambda * sum of squared caps), Adam (beta 0.9/0.999, eps 1e-7, a
  separate learning rate for the caps), a host read of the loss and the accuracy every step
  and a validation pass after the epoch, as drelu's Trainer does;
- the attacks of torchattacks on the TorchScript copy, on images labelled with the model's own
  predictions, in batches of the same size, with drelu's settings.
No file is downloaded; nothing here is used outside the benchmark.
"""
import json
import math
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


class DReLU(nn.Module):
    """min(relu(x), max(m, 0)) with one learnable cap m per unit (or per channel)."""

    def __init__(self, units, per_channel, initial_cap):
        super().__init__()
        self.cap = nn.Parameter(torch.full((units,), float(initial_cap)))
        self.per_channel = per_channel

    def forward(self, x):
        m = torch.clamp_min(self.cap, 0.0)
        m = m.view(1, -1, 1, 1) if self.per_channel else m.view(1, -1)
        return torch.minimum(torch.relu(x), m)


class GlobalMax(nn.Module):
    def forward(self, x):
        return torch.amax(x, dim=(2, 3))


def channels(published, width):
    """drelu's nn/Layers.channels: a multiple of 8, never below 8 nor 10% below the exact value."""
    v = published * width
    rounded = max(8, int(v + 4) // 8 * 8)
    return rounded + 8 if rounded < 0.9 * v else rounded


def blocks(published, depth):
    return max(1, math.ceil(depth * published - 1e-9))


def conv_bn(cin, cout, kernel, stride):
    return [nn.Conv2d(cin, cout, kernel, stride, kernel // 2, bias=False), nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)]


class Bottleneck(nn.Module):
    def __init__(self, cin, mid, cout, stride):
        super().__init__()
        # registered branch first, then shortcut: drelu's parameter order
        self.branch = nn.Sequential(*conv_bn(cin, mid, 1, 1), nn.ReLU(), *conv_bn(mid, mid, 3, stride), nn.ReLU(),
                                    *conv_bn(mid, cout, 1, 1))
        self.shortcut = nn.Identity() if cin == cout and stride == 1 else nn.Sequential(*conv_bn(cin, cout, 1, stride))

    def forward(self, x):
        return torch.relu(self.branch(x) + self.shortcut(x))


def resnet_backbone(cfg, in_channels, side):
    width, depth = cfg["width"], cfg["depth"]
    stem = channels(64, width)
    layers = [*conv_bn(in_channels, stem, 3, 2 if side > 32 else 1), nn.ReLU()]
    cin = stem
    published = [3, 4, 6, 3] if cfg["architecture"] == "resnet50" else [3, 4, 23, 3]
    for stage, mid_published in enumerate([64, 128, 256, 512]):
        mid = channels(mid_published, width)
        for b in range(blocks(published[stage], depth)):
            layers.append(Bottleneck(cin, mid, mid * 4, 2 if b == 0 and stage > 0 else 1))
            cin = mid * 4
    return layers, cin


def build(cfg, shape):
    """The eager twin of drelu's ModelFactory.build for placement 'head' and a D-ReLU head."""
    c, h, w, classes = shape
    arch = cfg["architecture"]
    hidden = cfg["hidden"]
    if arch == "dense":
        layers = [nn.Flatten(), nn.Linear(c * h * w, hidden[0]), nn.ReLU(), nn.Linear(hidden[0], hidden[1]), nn.ReLU()]
        features = hidden[1]
    elif arch == "shallow-cnn":
        layers = [nn.Conv2d(c, hidden[0], 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2, 2),
                  nn.Conv2d(hidden[0], hidden[1], 3, 1, 1), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Flatten()]
        features = hidden[1] * (h // 4) * (w // 4)
    elif arch in ("resnet50", "resnet101"):
        layers, features = resnet_backbone(cfg, c, min(h, w))
        layers += [GlobalMax(), nn.Flatten()]
    else:
        raise SystemExit(f"reference.py: architecture {arch} has no eager twin here (dense, shallow-cnn, resnet50)")
    layers += [nn.Dropout(cfg["dropout"]), nn.Linear(features, cfg["headUnits"]),
               DReLU(cfg["headUnits"], False, cfg["capInit"]), nn.Linear(cfg["headUnits"], classes)]
    return nn.Sequential(*layers)


def values(module):
    return [v for k, v in module.state_dict().items() if not k.endswith("num_batches_tracked")]


def load_weights(model, scripted):
    """Copies the TorchScript copy's values into the eager model, in order, shapes checked."""
    source, target = values(scripted), values(model)
    if len(source) != len(target):
        raise SystemExit(f"reference.py: the TorchScript copy holds {len(source)} tensors, the eager twin "
                         f"{len(target)}: the two networks differ")
    with torch.no_grad():
        for i, (s, t) in enumerate(zip(source, target)):
            if tuple(s.shape) != tuple(t.shape):
                raise SystemExit(f"reference.py: tensor {i} has shape {tuple(s.shape)} in the TorchScript copy but "
                                 f"{tuple(t.shape)} in the eager twin")
            t.copy_(s)


def cap_penalty(model):
    return sum((m.cap * m.cap).sum() for m in model.modules() if isinstance(m, DReLU))


def objective(model, x, y, lam):
    logits = model(x)
    ce = F.cross_entropy(logits, y)
    return ce + lam * cap_penalty(model), ce, logits


def train(cfg, x, y, scripted):
    model = build(cfg["model"], cfg["shape"])
    load_weights(model, scripted)
    lam, batch, steps = cfg["lambda"], cfg["batchSize"], cfg["steps"]
    # equal work: the loss on the first batch, without dropout, before any step
    model.eval()
    with torch.no_grad():
        initial = objective(model, x[:batch], y[:batch], lam)[0].item()
    caps = [p for m in model.modules() if isinstance(m, DReLU) for p in m.parameters()]
    others = [p for p in model.parameters() if all(p is not c for c in caps)]
    adam = torch.optim.Adam([{"params": others, "lr": cfg["learningRate"]},
                             {"params": caps, "lr": cfg["capLearningRate"]}], betas=(0.9, 0.999), eps=1e-7)
    if cfg["epochs"] == 0:
        return {"initialLoss": initial}
    n = steps * batch
    seconds = []
    for epoch in range(1, cfg["epochs"] + 1):
        started = time.perf_counter()
        model.train()
        order = torch.randperm(n, generator=torch.Generator().manual_seed(epoch))
        loss_sum, correct = 0.0, 0
        for b in range(steps):
            rows = order[b * batch:(b + 1) * batch]
            xb, yb = x[rows], y[rows]
            total, ce, logits = objective(model, xb, yb, lam)
            loss_sum += total.item() * len(rows)
            correct += (logits.argmax(1) == yb).sum().item()
            adam.zero_grad(set_to_none=False)
            total.backward()
            adam.step()
        model.eval()
        with torch.no_grad():
            F.cross_entropy(model(x[:batch]), y[:batch]).item()
        seconds.append(time.perf_counter() - started)
    # the first epoch meets fresh memory; drelu's side times the same last epochs as one window
    timed = cfg["timedEpochs"]
    return {"initialLoss": initial, "stepsPerSecond": steps * timed / sum(seconds[-timed:])}


def make_attack(a, model):
    import torchattacks
    if a["method"] == "pgd":
        return torchattacks.PGD(model, eps=a["epsilon"], alpha=a["stepSize"], steps=a["steps"],
                                random_start=a["randomStart"])
    if a["method"] == "apgd-ce":
        return torchattacks.APGD(model, norm="Linf", eps=a["epsilon"], steps=a["steps"], n_restarts=1, seed=0,
                                 loss="ce", rho=0.75)
    if a["method"] == "square":
        return torchattacks.Square(model, norm="Linf", eps=a["epsilon"], n_queries=a["queries"], n_restarts=1,
                                   p_init=a["pInit"], loss="margin", resc_schedule=True, seed=0)
    raise SystemExit(f"reference.py: unknown attack method {a['method']}")


def attack(cfg, x, labels, scripted):
    """Labels come with the data: drelu wrote the model's own predictions, so every image is attacked in full."""
    scripted.eval()
    step = cfg["attackBatch"]
    out = {}
    for a in cfg["attacks"]:
        atk = make_attack(a, scripted)
        # warm-up, untimed, as on drelu's side: TorchScript's profiling executor optimises the
        # graph over its first calls
        atk(x[:step], labels[:step])
        # whole passes over the images until attackSeconds have passed, as drelu's side times its own
        started = time.perf_counter()
        images, success = 0, None
        while images == 0 or time.perf_counter() - started < cfg["attackSeconds"]:
            verdicts = []
            for i in range(0, len(x), step):
                adv = atk(x[i:i + step], labels[i:i + step])
                with torch.no_grad():
                    verdicts += (scripted(adv).argmax(1) != labels[i:i + step]).tolist()
            images += len(x)
            success = verdicts if success is None else success
        out[a["name"]] = {"imagesPerSecond": images / (time.perf_counter() - started),
                          "success": [bool(s) for s in success]}
    return {"attacks": out}


def peak_resident_megabytes():
    """VmHWM of this process. Not ru_maxrss: Linux keeps that across exec, so a child of the JVM
    would report the JVM's peak whenever it is the larger."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024.0
    return -1.0


def main():
    with open(sys.argv[1]) as f:
        cfg = json.load(f)
    torch.set_num_threads(cfg["threads"])
    torch.manual_seed(0)
    data = np.load(cfg["data"])
    x = torch.from_numpy(np.ascontiguousarray(data["x"], dtype=np.float32))
    y = torch.from_numpy(np.ascontiguousarray(data["y"]).astype(np.int64))
    scripted = torch.jit.load(cfg["torchscript"])
    if cfg["mode"] == "train":
        result = train(cfg, x, y, scripted)
    elif cfg["mode"] == "attack":
        result = attack(cfg, x, y, scripted)
    else:
        raise SystemExit(f"reference.py: unknown mode {cfg['mode']} (train or attack)")
    result["residentMegabytes"] = peak_resident_megabytes()
    result["torch"] = torch.__version__
    result["threads"] = torch.get_num_threads()
    print(json.dumps(result))


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""PyTorch reference trainer for `pnpm bench:parity` (scripts/bench-parity.ts).

Trains the six HyperQ variants the way a PyTorch user would write them (nn.LSTM, nn.Linear, default
initialisation, torch.optim, a shuffled DataLoader that keeps the last partial batch, MSE, per-epoch
LR schedule, optional clip_grad_norm_, early stopping on validation MSE that restores the best
epoch's state dict) on windows prepared by HyperQ and handed over as one binary file, so data
preparation is identical.

Usage: torch_parity_ref.py JOB.json
JOB.json: {"data": {seq_len: path}, "runs": [{"id", "seq_len", "hp": {...HyperQ hyperparams}, "seed", "epochs",
"patience"}]} with each data file holding little-endian float32: a header of 6 values (n_train,
n_val, seq_len, features, horizon, n_test), then train x, train y, val x, val y (row-major), then
test x, test y when n_test > 0 (scripts/optuna_real_ref.py hands those over; the kept weights
then also predict them, as "test_predictions").
Prints one JSON line per run: id, best_epoch, epochs, best_val_loss and the scaled validation
predictions of the kept weights (HyperQ turns them into MAE in original units).
"""
import json
import math
import sys

import numpy as np
import torch
import torch.nn as nn

torch.set_num_threads(1)


def load(path):
    raw = np.fromfile(path, dtype="<f4")
    n_train, n_val, seq_len, features, horizon, n_test = (int(v) for v in raw[:6])
    at = 6
    out = {}
    splits = (("train", n_train), ("val", n_val)) + ((("test", n_test),) if n_test > 0 else ())
    for name, n in splits:
        nx, ny = n * seq_len * features, n * horizon
        out[name + "_x"] = torch.from_numpy(raw[at:at + nx].copy()).reshape(n, seq_len, features)
        at += nx
        out[name + "_y"] = torch.from_numpy(raw[at:at + ny].copy()).reshape(n, horizon)
        at += ny
    out["features"], out["horizon"] = features, horizon
    return out


class Head(nn.Module):
    """single / multi / stacked / bidirectional: LSTM stack -> head input -> Dropout -> Linear."""

    def __init__(self, f, h, layers, horizon, between, head, bidirectional=False, last_step=False):
        super().__init__()
        self.h, self.bidirectional, self.last_step = h, bidirectional, last_step
        self.lstm = nn.LSTM(f, h, layers, batch_first=True, dropout=between if layers > 1 else 0.0, bidirectional=bidirectional)
        self.dropout = nn.Dropout(head)
        self.fc = nn.Linear(h * (2 if bidirectional else 1), horizon)

    def forward(self, x):
        out, _ = self.lstm(x)
        if self.bidirectional and not self.last_step:
            # final states: forward h_T and the backward pass's state after reading the whole window
            z = torch.cat([out[:, -1, :self.h], out[:, 0, self.h:]], dim=1)
        else:
            z = out[:, -1, :]
        return self.fc(self.dropout(z))


class EncoderDecoder(nn.Module):
    """Encoder LSTM -> (h_T, c_T); decoder reads h_T `horizon` times from that state; Linear(H->1) per step."""

    def __init__(self, f, h, horizon):
        super().__init__()
        self.horizon = horizon
        self.encoder = nn.LSTM(f, h, batch_first=True)
        self.decoder = nn.LSTM(h, h, batch_first=True)
        self.fc = nn.Linear(h, 1)

    def forward(self, x):
        _, (h, c) = self.encoder(x)
        out, _ = self.decoder(h[-1].unsqueeze(1).repeat(1, self.horizon, 1), (h, c))
        return self.fc(out).squeeze(2)


class Attention(nn.Module):
    def __init__(self, f, h, horizon):
        super().__init__()
        self.lstm = nn.LSTM(f, h, batch_first=True)
        self.attention = nn.Linear(h, 1)
        self.fc = nn.Linear(h, horizon)

    def forward(self, x):
        out, _ = self.lstm(x)
        w = torch.softmax(self.attention(out), dim=1)
        return self.fc(torch.sum(w * out, dim=1))


def build(hp, f, horizon):
    v, h, layers, p = hp["variant"], hp["hidden_size"], hp["num_layers"], hp["dropout"]
    if v == "single":
        return Head(f, h, 1, horizon, 0.0, p)
    if v == "multi":
        return Head(f, h, layers, horizon, p, p)
    if v == "stacked":
        return Head(f, h, layers, horizon, 0.2, 0.0)
    if v == "bidirectional":
        return Head(f, h, layers, horizon, p, p, True, hp.get("bidirectional_head") == "last-step")
    if v == "encoder-decoder":
        return EncoderDecoder(f, h, horizon)
    if v == "attention":
        return Attention(f, h, horizon)
    raise ValueError(f"variant must be one of the six HyperQ variants, but got {v}")


def optimizer(hp, params):
    name, lr, wd = hp["optimizer"], hp["learning_rate"], hp.get("weight_decay", 0.0)
    if name == "adam":
        return torch.optim.Adam(params, lr=lr, weight_decay=wd)
    if name == "sgd":
        return torch.optim.SGD(params, lr=lr, momentum=hp.get("momentum", 0.0), weight_decay=wd)
    if name == "rmsprop":
        return torch.optim.RMSprop(params, lr=lr, weight_decay=wd)
    raise ValueError(f"optimizer must be adam, sgd or rmsprop, but got {name}")


def schedule(hp, opt):
    s = hp.get("schedule", "constant")
    if s == "step":
        return torch.optim.lr_scheduler.StepLR(opt, step_size=hp["step_size"], gamma=hp["gamma"])
    if s == "cosine":
        return torch.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=hp["t_max"])
    return None


def evaluate(model, x, y):
    model.eval()
    with torch.no_grad():
        pred = model(x)
    model.train()
    return float(torch.mean((pred - y) ** 2)), pred


def run(job, data):
    hp = job["hp"]
    torch.manual_seed(job["seed"])
    model = build(hp, data["features"], data["horizon"])
    opt = optimizer(hp, model.parameters())
    sched = schedule(hp, opt)
    loader = torch.utils.data.DataLoader(
        torch.utils.data.TensorDataset(data["train_x"], data["train_y"]), batch_size=hp["batch_size"], shuffle=True)
    loss_fn = nn.MSELoss()
    best, since, epochs = None, 0, 0
    for epoch in range(1, job["epochs"] + 1):
        model.train()
        diverged = False
        for xb, yb in loader:
            opt.zero_grad()
            loss = loss_fn(model(xb), yb)
            if not math.isfinite(loss.item()):
                diverged = True
                break
            loss.backward()
            if hp.get("clip_norm", 0) > 0:
                nn.utils.clip_grad_norm_(model.parameters(), hp["clip_norm"])
            opt.step()
        epochs = epoch
        if diverged:
            break
        if sched is not None:
            sched.step()
        val_loss, pred = evaluate(model, data["val_x"], data["val_y"])
        if not math.isfinite(val_loss):
            break
        if best is None or val_loss < best[1]:
            best = (epoch, val_loss, {k: t.clone() for k, t in model.state_dict().items()}, pred)
            since = 0
        else:
            since += 1
        if job["patience"] > 0 and since >= job["patience"]:
            break
    if best is None:
        return {"id": job["id"], "best_epoch": 0, "epochs": epochs, "best_val_loss": None, "predictions": None}
    model.load_state_dict(best[2])
    result = {"id": job["id"], "best_epoch": best[0], "epochs": epochs, "best_val_loss": best[1],
              "predictions": [float(v) for v in best[3].reshape(-1)]}
    if "test_x" in data:
        _, test_pred = evaluate(model, data["test_x"], data["test_y"])
        result["test_predictions"] = [float(v) for v in test_pred.reshape(-1)]
    return result


def main():
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    cache = {}
    for job in spec["runs"]:
        key = str(job["seq_len"])
        if key not in cache:
            cache[key] = load(spec["data"][key])
        print(json.dumps(run(job, cache[key])), flush=True)


if __name__ == "__main__":
    main()

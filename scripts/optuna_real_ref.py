#!/usr/bin/env python3
"""The peer of `pnpm bench:real` (scripts/bench-real.ts): one worker of an Optuna TPE + PyTorch sweep.

bench-real.ts starts two of these processes on the same Optuna storage (a SQLite file), so two
trials run at a time, as HyperQ's two workers do. Each process asks the shared study for a trial,
trains it with scripts/torch_parity_ref.py's trainer (nn.LSTM, torch.optim, early stopping that
restores the best epoch) on windows HyperQ prepared (same scaling and splits), tells Optuna the
best validation MSE in scaled units (HyperQ's objective), and prints one JSON line per trial:
number, params, best_val_loss, best_epoch, epochs and the kept weights' scaled validation and test
predictions (bench-real.ts turns them into MAE in original units with HyperQ's own scorer).

Usage: optuna_real_ref.py JOB.json WORKER_INDEX
JOB.json: {"data": {seq_len: path}, "storage": "sqlite:///...", "study": name, "seed": int,
"budget": int, "epochs": int, "patience": int, "defaults": {...HyperQ hyperparams}}. Trials numbered
at or past the budget are told FAIL and not trained, so the study trains exactly `budget` trials.
"""
import json
import os
import sys
import time

import optuna

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from torch_parity_ref import load, run  # noqa: E402

VARIANTS = ["single", "multi", "bidirectional", "stacked", "encoder-decoder", "attention"]
LAYERED = ("multi", "bidirectional", "stacked")


def suggest(trial, defaults):
    """The space of bench-real.ts's HyperQ sweeps, num_layers only where the variant stacks layers."""
    hp = dict(defaults)
    hp["variant"] = trial.suggest_categorical("variant", VARIANTS)
    hp["hidden_size"] = trial.suggest_int("hidden_size", 16, 96)
    if hp["variant"] in LAYERED:
        hp["num_layers"] = trial.suggest_int("num_layers", 1, 3)
    hp["dropout"] = trial.suggest_float("dropout", 0.0, 0.3)
    hp["learning_rate"] = trial.suggest_float("learning_rate", 3e-4, 2e-2, log=True)
    hp["seq_len"] = trial.suggest_int("seq_len", 6, 36)
    return hp


def main():
    with open(sys.argv[1]) as fh:
        spec = json.load(fh)
    worker = int(sys.argv[2])
    optuna.logging.set_verbosity(optuna.logging.WARNING)
    # Each process samples with its own seed: two processes with one seed would start identically.
    sampler = optuna.samplers.TPESampler(seed=spec["seed"] * 1000 + worker)
    for attempt in range(10):
        try:
            study = optuna.create_study(study_name=spec["study"], storage=spec["storage"], direction="minimize",
                                        sampler=sampler, load_if_exists=True)
            break
        except Exception:  # both processes creating the SQLite schema at once: the loser retries
            if attempt == 9:
                raise
            time.sleep(0.5)
    cache = {}
    while True:
        trial = study.ask()
        if trial.number >= spec["budget"]:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
            break
        hp = suggest(trial, spec["defaults"])
        key = str(hp["seq_len"])
        if key not in cache:
            cache[key] = load(spec["data"][key])
        job = {"id": str(trial.number), "hp": hp, "seed": spec["seed"] * 1000 + trial.number,
               "epochs": spec["epochs"], "patience": spec["patience"]}
        out = run(job, cache[key])
        if out["best_val_loss"] is None:
            study.tell(trial, state=optuna.trial.TrialState.FAIL)
        else:
            study.tell(trial, out["best_val_loss"])
        print(json.dumps({"number": trial.number, "params": trial.params, "seq_len": hp["seq_len"], **out}), flush=True)


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Optuna's plain and multivariate TPE under observation noise, for `pnpm bench:search --noise`.

Each trial observes f(x) + N(0, sd^2); after BUDGET trials the best *observed* trial is scored by
its TRUE value f(x) - f*, as the TypeScript side scores its samplers' recommendations. The
functions are those of packages/search/src/bench/ (Branin, Hartmann-6, Rosenbrock-4 and the
LSTM-shaped mixed space of lstm-shaped.ts, computed identically here).

Usage: optuna_noisy_ref.py '{"functions": [{"name": "hartmann6", "sd": 0.1}], "budget": 50, "seeds": 20}'
Prints one JSON line per function and sampler."""
import json, math, sys, time, warnings
import numpy as np
import optuna
optuna.logging.set_verbosity(optuna.logging.WARNING)
warnings.filterwarnings('ignore', category=optuna.exceptions.ExperimentalWarning)

def branin(x):
    x1, x2 = x
    b, c, t = 5.1 / (4 * math.pi ** 2), 5 / math.pi, 1 / (8 * math.pi)
    return (x2 - b * x1 ** 2 + c * x1 - 6) ** 2 + 10 * (1 - t) * math.cos(x1) + 10

H6_A = np.array([[10, 3, 17, 3.5, 1.7, 8], [0.05, 10, 17, 0.1, 8, 14], [3, 3.5, 1.7, 10, 17, 8], [17, 8, 0.05, 10, 0.1, 14]])
H6_P = 1e-4 * np.array([[1312, 1696, 5569, 124, 8283, 5886], [2329, 4135, 8307, 3736, 1004, 9991],
                        [2348, 1451, 3522, 2883, 3047, 6650], [4047, 8828, 8732, 5743, 1091, 381]])
H6_ALPHA = np.array([1.0, 1.2, 3.0, 3.2])

def hartmann6(x):
    x = np.asarray(x)
    return float(-np.sum(H6_ALPHA * np.exp(-np.sum(H6_A * (x - H6_P) ** 2, axis=1))))

def rosenbrock4(x):
    return float(sum(100 * (x[i + 1] - x[i] ** 2) ** 2 + (1 - x[i]) ** 2 for i in range(len(x) - 1)))

def floats(f, bounds):
    def suggest(trial):
        return [trial.suggest_float(f'x{i}', lo, hi) for i, (lo, hi) in enumerate(bounds)]
    return suggest, f

VARIANT = {'bidirectional': 0, 'stacked': 0.05, 'multi': 0.1, 'attention': 0.15, 'single': 0.25}
OPTIMIZER = {'adam': (0, 3e-3), 'rmsprop': (0.03, 1e-3), 'sgd': (0.1, 3e-2)}

def lstm_suggest(trial):
    p = {
        'variant': trial.suggest_categorical('variant', ['single', 'multi', 'bidirectional', 'stacked', 'attention']),
        'optimizer': trial.suggest_categorical('optimizer', ['adam', 'rmsprop', 'sgd']),
        'batch_size': trial.suggest_categorical('batch_size', [16, 32, 64, 128]),
    }
    if p['variant'] in ('multi', 'bidirectional', 'stacked'):
        p['num_layers'] = trial.suggest_int('num_layers', 1, 3)
    p['hidden_size'] = trial.suggest_int('hidden_size', 16, 128, log=True)
    p['learning_rate'] = trial.suggest_float('learning_rate', 1e-4, 1e-1, log=True)
    p['dropout'] = trial.suggest_float('dropout', 0, 0.5)
    p['seq_len'] = trial.suggest_int('seq_len', 6, 48, log=True)
    return p

def lstm_shaped(p):
    offset, base = OPTIMIZER[p['optimizer']]
    lr_star = base * math.sqrt(p['batch_size'] / 32)
    f = 1 + VARIANT[p['variant']] + offset
    f += 0.15 * (math.log10(p['learning_rate']) - math.log10(lr_star)) ** 2
    f += 0.08 * math.log2(p['hidden_size'] / 64) ** 2
    f += 0.8 * (p['dropout'] - 0.15) ** 2
    f += 0.06 * math.log(p['seq_len'] / 24) ** 2
    if 'num_layers' in p:
        f += 0.05 * (p['num_layers'] - 2) ** 2
    return f

# name: (suggest(trial) -> params, f(params) -> value, global minimum)
FUNCS = {
    'branin': (*floats(branin, [(-5, 10), (0, 15)]), 0.397887357729739),
    'hartmann6': (*floats(hartmann6, [(0, 1)] * 6), -3.32236801141551),
    'rosenbrock4': (*floats(rosenbrock4, [(-5, 10)] * 4), 0.0),
    'lstm-shaped': (lstm_suggest, lstm_shaped, 1.0),
}

SAMPLERS = {
    'tpe': lambda seed: optuna.samplers.TPESampler(seed=seed),
    'tpe-mv': lambda seed: optuna.samplers.TPESampler(seed=seed, multivariate=True, group=True),
}

def run(name, sampler_name, sd, budget, seed):
    suggest, f, fmin = FUNCS[name]
    rng = np.random.default_rng([seed, 0x4E01])
    truth = {}
    def objective(trial):
        p = suggest(trial)
        v = f(p)
        truth[trial.number] = v
        return v + (sd * rng.standard_normal() if sd > 0 else 0.0)
    study = optuna.create_study(sampler=SAMPLERS[sampler_name](seed))
    study.optimize(objective, n_trials=budget)
    return truth[study.best_trial.number] - fmin

if __name__ == '__main__':
    req = json.loads(sys.argv[1])
    budget, seeds = int(req['budget']), int(req['seeds'])
    for fn in req['functions']:
        if fn['name'] not in FUNCS:
            print(f"optuna_noisy_ref.py: functions[].name: unknown function {fn['name']!r}", file=sys.stderr)
            continue
        for s in req.get('samplers', ['tpe', 'tpe-mv']):
            t0 = time.time()
            regs = [run(fn['name'], s, float(fn['sd']), budget, seed) for seed in range(seeds)]
            print(json.dumps({'function': fn['name'], 'sampler': 'optuna-' + s, 'budget': budget, 'seeds': seeds,
                              'noise_sd': float(fn['sd']), 'mean_regret': float(np.mean(regs)),
                              'median_regret': float(np.median(regs)), 'mean_regret_best_observed': float(np.mean(regs)),
                              'seconds_per_run': (time.time() - t0) / seeds}), flush=True)

/**
 * `pnpm bench:real` — a real sweep, HyperQ against the loop a user would otherwise write.
 *
 * HyperQ (GP and random search) runs as it runs for a user: a coordinator and two worker processes
 * against Redis (a unique HYPERQ_PREFIX), two trials at a time. The peer is Optuna TPE + PyTorch:
 * two processes of scripts/optuna_real_ref.py sharing one Optuna storage (a SQLite file), each
 * training with scripts/torch_parity_ref.py's trainer on windows HyperQ prepared and handed over
 * (same scaling, splits and windows). Same space for both (six variants, hidden 16–96, layers 1–3
 * where the variant stacks layers, dropout 0–0.3, learning rate 3e-4–2e-2 log, seq_len 6–36), same
 * budget, epochs, patience and objective (validation MSE in scaled units). Each system's best trial
 * (lowest objective) is scored by HyperQ's `evaluateForecast` in original units: its val MAE and its
 * MAE on the held-out test part (HyperQ: the stored best-epoch weights, or a retrain from the
 * trial's seed when the sweep did not keep them; the peer: the kept weights' test predictions).
 * Wall time: from launching the sweep (HyperQ, whose coordinator and workers are started and
 * registered beforehand, as a running deployment would be) or starting the two processes (the peer,
 * so Python's and PyTorch's start-up count) to the last trial's end; the systems run one after the
 * other, never at the same time.
 *
 * Usage: tsx scripts/bench-real.ts [--datasets seattle-weather,sp500] [--budgets 16,50] [--seeds 1,2,3]
 *        [--epochs 40] [--patience 6] [--systems gp,random,optuna] [--json]
 * Prints per dataset, budget and system the median over seeds of best val MAE, its test MAE and wall
 * time; `--json` prints one line per run (dataset, budget, seed, system, trials, best_trial,
 * val_mae, test_mae, wall_s, params) and one per summary (kind: "median").
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { Forecaster } from "@hyperq/forecaster";
import { initBackend, trainModel } from "@hyperq/models";
import { DEFAULT_HYPERPARAMS, datasetSpecSchema, resolveHyperparams, type DatasetSpecInput } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { evaluateForecast, makeWindows, prepareDatasetCached, readDatasetSource, type PreparedDataset, type Windows } from "@hyperq/timeseries";

const DATASETS: Record<string, { spec: DatasetSpecInput; yaml: string }> = {
  "seattle-weather": {
    spec: { name: "seattle-weather", target: "temp_max", targetTransform: "diff", features: ["precipitation", "temp_max", "temp_min", "wind"] },
    yaml: "{ name: seattle-weather, target: temp_max, targetTransform: diff, features: [precipitation, temp_max, temp_min, wind] }",
  },
  sp500: { spec: { name: "sp500", target: "close", targetTransform: "log-return" }, yaml: "{ name: sp500, target: close, targetTransform: log-return }" },
};
const SYSTEMS = ["gp", "random", "optuna"] as const;
type System = (typeof SYSTEMS)[number];
const SEQ_LENS = { low: 6, high: 36 };

const { values: opts } = parseArgs({
  options: {
    datasets: { type: "string", default: "seattle-weather,sp500" },
    budgets: { type: "string", default: "16,50" },
    seeds: { type: "string", default: "1,2,3" },
    epochs: { type: "string", default: "40" },
    patience: { type: "string", default: "6" },
    systems: { type: "string", default: SYSTEMS.join(",") },
    json: { type: "boolean", default: false },
  },
});

function intList(name: string, raw: string, min: number): number[] {
  return raw.split(",").map((v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be a comma-separated list of integers >= ${min}, but got "${v}"`);
    return n;
  });
}
function oneOf<T extends string>(name: string, raw: string, known: readonly T[]): T[] {
  return raw.split(",").map((v) => {
    if (!known.includes(v as T)) throw new Error(`--${name} must list values among ${known.join(", ")}, but got "${v}"`);
    return v as T;
  });
}
const datasets = oneOf("datasets", opts.datasets, Object.keys(DATASETS));
const budgets = intList("budgets", opts.budgets, 1);
const seeds = intList("seeds", opts.seeds, 0);
const [epochs] = intList("epochs", opts.epochs, 1) as [number];
const [patience] = intList("patience", opts.patience, 0) as [number];
const systems = oneOf("systems", opts.systems, SYSTEMS);

const root = resolve(import.meta.dirname, "..");
const cli = resolve(root, "apps/cli/src/main.ts");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `hqbench-real-${randomUUID().slice(0, 8)}`;
const env = { ...process.env, REDIS_URL: redisUrl, HYPERQ_PREFIX: prefix, HYPERQ_LOG_LEVEL: "warn" };
const dir = mkdtempSync(join(tmpdir(), "hyperq-bench-real-"));

/** The sweep file HyperQ runs: the peer's space, written in HyperQ's spec language. */
function sweepYaml(dataset: string, method: "gp" | "random", budget: number, seed: number): string {
  return `
name: bench-real-${dataset}-${method}-${budget}-${seed}
seed: ${seed}
dataset: ${DATASETS[dataset]?.yaml}
method: ${method}
budget: ${budget}
parallelism: 2
epochs: ${epochs}
patience: ${patience}
space:
  variant: [single, multi, bidirectional, stacked, encoder-decoder, attention]
  hidden_size: { type: int, low: 16, high: 96 }
  num_layers: { type: int, low: 1, high: 3, when: { variant: [multi, bidirectional, stacked] } }
  dropout: { type: float, low: 0.0, high: 0.3 }
  learning_rate: { type: float, low: 0.0003, high: 0.02, log: true }
  seq_len: { type: int, low: ${SEQ_LENS.low}, high: ${SEQ_LENS.high} }
`;
}

interface RunRow {
  dataset: string;
  budget: number;
  seed: number;
  system: System;
  trials: number;
  best_trial: number;
  val_mae: number;
  test_mae: number;
  wall_s: number;
  params: Record<string, unknown>;
}

const procs: ChildProcess[] = [];
const cliRun = (args: string[]) =>
  new Promise<string>((ok, fail) => {
    let out = "";
    const p = spawn(process.execPath, ["--import", "tsx", cli, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => (code === 0 ? ok(out) : fail(new Error(`hyperq ${args.join(" ")} exited ${code}`))));
  });

async function runHyperq(store: RedisSweepStore, prepared: PreparedDataset, dataset: string, method: "gp" | "random", budget: number, seed: number): Promise<RunRow> {
  const file = join(dir, `${dataset}-${method}-${budget}-${seed}.yaml`);
  writeFileSync(file, sweepYaml(dataset, method, budget, seed));
  const t0 = performance.now();
  const id = (await cliRun(["sweep", "launch", file, "--detach"])).trim().split("\n")[0] as string;
  for (;;) {
    const s = await store.getSweep(id);
    if (s?.state === "complete") break;
    if (s?.state === "cancelled") throw new Error(`sweep ${id} ended ${s.state}`);
    await new Promise((r) => setTimeout(r, 500));
  }
  const wallS = (performance.now() - t0) / 1000;
  const sweep = await store.getSweep(id);
  const { rows } = await store.leaderboard(id, { limit: 1, states: ["complete"] });
  const best = rows[0];
  const trials = (await store.listTrials(id)).length;
  if (best === undefined || sweep === null || sweep === undefined) return { dataset, budget, seed, system: method, trials, best_trial: -1, val_mae: Number.NaN, test_mae: Number.NaN, wall_s: wallS, params: {} };
  const hp = resolveHyperparams(sweep.spec, best.params);
  const w = makeWindows(prepared, hp.seq_len);
  const stored = await store.getModel(id, best.number);
  let testPred: Float32Array | undefined;
  if (stored) {
    const f = await Forecaster.fromPackage(stored, `sweep ${id} trial ${best.number}`);
    try {
      testPred = f.predictScaled(w.test.x, w.test.n);
    } finally {
      f.dispose();
    }
  } else {
    const out = await trainModel({
      hyperparams: hp,
      epochs: best.metrics?.epochs ?? epochs,
      patience,
      seed: best.seed,
      data: { seqLen: w.seqLen, features: w.features, horizon: w.horizon, train: w.train, val: w.val },
      predict: w.test,
    });
    testPred = out.predictions;
  }
  const testMae = testPred === undefined ? Number.NaN : evaluateForecast(prepared, hp.seq_len, "test", testPred).valMae;
  return { dataset, budget, seed, system: method, trials, best_trial: best.number, val_mae: best.metrics?.valMae ?? Number.NaN, test_mae: testMae, wall_s: wallS, params: best.params };
}

/** Writes train, validation and test windows as scripts/torch_parity_ref.py reads them (little-endian float32). */
function writeWindows(path: string, w: Windows): void {
  const header = new Float32Array([w.train.n, w.val.n, w.seqLen, w.features, w.horizon, w.test.n]);
  const parts = [header, w.train.x, w.train.y, w.val.x, w.val.y, w.test.x, w.test.y];
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  writeFileSync(path, Buffer.from(all.buffer));
}

interface PeerLine {
  number: number;
  params: Record<string, unknown>;
  seq_len: number;
  best_val_loss: number | null;
  predictions: number[] | null;
  test_predictions?: number[];
}

async function runPeer(python: string, data: Record<string, string>, prepared: PreparedDataset, dataset: string, budget: number, seed: number): Promise<RunRow> {
  const study = `bench-real-${dataset}-${budget}-${seed}`;
  const storage = `sqlite:///${join(dir, `${study}.db`)}`;
  const jobFile = join(dir, `${study}.json`);
  writeFileSync(jobFile, JSON.stringify({ data, storage, study, seed, budget, epochs, patience, defaults: DEFAULT_HYPERPARAMS }));
  const lines: PeerLine[] = [];
  const t0 = performance.now();
  await Promise.all(
    [0, 1].map(
      (worker) =>
        new Promise<void>((done, fail) => {
          const child = spawn(python, [resolve(root, "scripts/optuna_real_ref.py"), jobFile, String(worker)], { stdio: ["ignore", "pipe", "inherit"] });
          procs.push(child);
          createInterface({ input: child.stdout }).on("line", (line) => {
            if (line.startsWith("{")) lines.push(JSON.parse(line) as PeerLine);
          });
          child.on("error", fail);
          child.on("close", (code) => (code === 0 ? done() : fail(new Error(`the Optuna peer (worker ${worker}) exited with ${code}`))));
        }),
    ),
  );
  const wallS = (performance.now() - t0) / 1000;
  const ok = lines.filter((l) => l.best_val_loss !== null && l.predictions !== null);
  const best = ok.reduce<PeerLine | undefined>((b, l) => (b === undefined || (l.best_val_loss as number) < (b.best_val_loss as number) ? l : b), undefined);
  if (best === undefined) return { dataset, budget, seed, system: "optuna", trials: lines.length, best_trial: -1, val_mae: Number.NaN, test_mae: Number.NaN, wall_s: wallS, params: {} };
  const valMae = evaluateForecast(prepared, best.seq_len, "val", Float64Array.from(best.predictions as number[])).valMae;
  const testMae = best.test_predictions === undefined ? Number.NaN : evaluateForecast(prepared, best.seq_len, "test", Float64Array.from(best.test_predictions)).valMae;
  return { dataset, budget, seed, system: "optuna", trials: lines.length, best_trial: best.number, val_mae: valMae, test_mae: testMae, wall_s: wallS, params: best.params };
}

/** Debian's python3-torch and python3-optuna live under /usr/bin/python3, which may not be the python3 on PATH. */
function peerPython(): string | undefined {
  return ["/usr/bin/python3", "python3"].find((py) => spawnSync(py, ["-c", "import torch, optuna"]).status === 0);
}

function median(xs: number[]): number {
  const s = xs.filter(Number.isFinite).sort((a, b) => a - b);
  if (s.length === 0) return Number.NaN;
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

const redis = connectRedis(redisUrl);
const store = new RedisSweepStore(redis, { keyPrefix: prefix });
const rows: RunRow[] = [];
const emit = (r: RunRow) => {
  rows.push(r);
  if (opts.json) process.stdout.write(`${JSON.stringify({ bench: "real", epochs, patience, ...r })}\n`);
  else process.stderr.write(`${r.dataset} budget ${r.budget} seed ${r.seed} ${r.system}: val MAE ${r.val_mae.toFixed(4)}, test MAE ${r.test_mae.toFixed(4)}, ${r.wall_s.toFixed(0)} s\n`);
};
try {
  const hyperqSystems = systems.filter((s): s is "gp" | "random" => s !== "optuna");
  const python = systems.includes("optuna") ? peerPython() : undefined;
  if (systems.includes("optuna") && python === undefined) throw new Error("--systems optuna needs python3 with torch and optuna (apt-get install python3-torch python3-optuna)");
  if (hyperqSystems.length > 0) {
    await initBackend(process.env.HYPERQ_BACKEND ?? "wasm");
    for (const args of [["coordinator"], ["worker"], ["worker"]]) {
      procs.push(spawn(process.execPath, ["--import", "tsx", cli, ...args], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] }));
    }
    // Both workers registered before the first sweep: their start-up is not any sweep's wall time.
    while ((await store.listWorkers()).length < 2) {
      if (procs.some((p) => p.exitCode !== null)) throw new Error("a HyperQ process exited before both workers registered (see its log above)");
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  for (const dataset of datasets) {
    const spec = datasetSpecSchema.parse(DATASETS[dataset]?.spec);
    const { text, file } = readDatasetSource(spec, root);
    const prepared = prepareDatasetCached(spec, text, file);
    const data: Record<string, string> = {};
    if (python !== undefined) {
      for (let seqLen = SEQ_LENS.low; seqLen <= SEQ_LENS.high; seqLen++) {
        data[String(seqLen)] = join(dir, `${dataset}-windows-${seqLen}.f32`);
        writeWindows(data[String(seqLen)] as string, makeWindows(prepared, seqLen));
      }
    }
    for (const budget of budgets) {
      for (const seed of seeds) {
        for (const system of systems) {
          emit(system === "optuna" ? await runPeer(python as string, data, prepared, dataset, budget, seed) : await runHyperq(store, prepared, dataset, system, budget, seed));
        }
      }
    }
  }
} finally {
  for (const p of procs) if (p.exitCode === null && p.signalCode === null) p.kill("SIGTERM");
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
  rmSync(dir, { recursive: true, force: true });
}

const f = (v: number, d = 4) => (Number.isFinite(v) ? v.toFixed(d) : "—");
const lines = [
  `real sweeps, parallelism 2, ≤ ${epochs} epochs, patience ${patience}, seeds ${seeds.join(", ")}: median over seeds of the best trial's (lowest val loss) MAE in original units`,
  "",
  "| dataset | budget | system | best val MAE | its test MAE | wall time |",
  "|---|---|---|---|---|---|",
];
for (const dataset of datasets) {
  for (const budget of budgets) {
    for (const system of systems) {
      const runs = rows.filter((r) => r.dataset === dataset && r.budget === budget && r.system === system);
      const m = { dataset, budget, system, seeds: runs.length, val_mae: median(runs.map((r) => r.val_mae)), test_mae: median(runs.map((r) => r.test_mae)), wall_s: median(runs.map((r) => r.wall_s)) };
      if (opts.json) process.stdout.write(`${JSON.stringify({ bench: "real", kind: "median", epochs, patience, ...m })}\n`);
      const name = system === "optuna" ? "Optuna TPE + PyTorch" : `HyperQ ${system === "gp" ? "GP" : "random"}`;
      lines.push(`| ${dataset} | ${budget} | ${name} | ${f(m.val_mae)} | ${f(m.test_mae)} | ${f(m.wall_s, 0)} s |`);
    }
  }
}
if (!opts.json) process.stdout.write(`${lines.join("\n")}\n`);
process.exit(0);

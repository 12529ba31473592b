/**
 * `pnpm bench:parity` — training quality of HyperQ against a PyTorch reference on the same data.
 *
 * For each configuration (every variant small and large, the seed's optimizers and schedules) and
 * each seed, HyperQ trains with `trainModel` on windows prepared exactly as a worker prepares them
 * (`prepareDatasetCached` + `makeWindows`), and scripts/torch_parity_ref.py trains the same
 * architecture in PyTorch on the very same windows (handed over as a binary file), with the same
 * epochs, early stopping (patience, best epoch restored), batch size, optimizer and schedule. Both
 * engines' kept validation predictions are scored by HyperQ's `evaluateForecast` (MAE in the
 * target's original units). Quality figures do not depend on machine load; wall time is not reported.
 *
 * Usage: tsx scripts/bench-parity.ts [--dataset seattle-weather|sp500] [--seeds 5] [--epochs 40]
 *        [--patience 6] [--configs multi-small,adam-cosine,...] [--engines hyperq,torch] [--backend wasm]
 *        [--init pytorch|glorot] [--runs-out runs.jsonl] [--from a.jsonl,b.jsonl] [--json]
 * `--engines none` trains nothing (with `--from`: tabulate saved runs). `--runs-out` saves every run (one JSON line each); `--from` reads runs saved that way instead of
 * training them again (e.g. the PyTorch reference, which does not change when HyperQ does): an
 * engine with runs in those files is not trained in this sitting.
 * `--json` prints one line per configuration and engine: config, engine, runs, median, min, max, q1,
 * q3, iqr, median_best_epoch, median_epochs, diverged; HyperQ's rows add delta_median_vs_pytorch and
 * rank_test_p (two-sided Mann–Whitney U: below 0.05, the engines differ beyond seed noise).
 */
import { spawn, spawnSync } from "node:child_process";
import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
// The packages' public entry points (the root has no workspace links of its own).
import { DEFAULT_HYPERPARAMS, datasetSpecSchema } from "../packages/protocol/src/index.ts";
import type { DatasetSpecInput, Hyperparams } from "../packages/protocol/src/index.ts";
import { evaluateForecast, makeWindows, prepareDatasetCached, readDatasetSource } from "../packages/timeseries/src/index.ts";
import type { PreparedDataset, Windows } from "../packages/timeseries/src/index.ts";
import { mannWhitneyP } from "./lib/rank-test.ts";
import { INIT_SCHEMES, initBackend, trainModel } from "../packages/models/src/index.ts";
import type { InitScheme } from "../packages/models/src/index.ts";

interface ParityConfig {
  name: string;
  hp: Partial<Hyperparams>;
}

const SMALL: Partial<Hyperparams> = { hidden_size: 16, num_layers: 1, dropout: 0, learning_rate: 3e-3, seq_len: 14, batch_size: 32 };
const LARGE: Partial<Hyperparams> = { hidden_size: 64, num_layers: 2, dropout: 0.2, learning_rate: 1e-3, seq_len: 26, batch_size: 32 };
const VARIANTS = ["single", "multi", "bidirectional", "stacked", "encoder-decoder", "attention"] as const;

/**
 * Every variant small, the seed's other optimizers and the schedules on `multi` small, every variant
 * large, and one fast-learning bidirectional model.
 */
function allConfigs(epochs: number): ParityConfig[] {
  const configs: ParityConfig[] = [];
  for (const variant of VARIANTS) configs.push({ name: `${variant}-small`, hp: { ...SMALL, variant } });
  configs.push({ name: "sgd-momentum", hp: { ...SMALL, variant: "multi", optimizer: "sgd", momentum: 0.9, learning_rate: 1e-2 } });
  configs.push({ name: "rmsprop", hp: { ...SMALL, variant: "multi", optimizer: "rmsprop", learning_rate: 1e-3 } });
  configs.push({ name: "adam-step", hp: { ...SMALL, variant: "multi", schedule: "step", step_size: 10, gamma: 0.5 } });
  configs.push({ name: "adam-cosine", hp: { ...SMALL, variant: "multi", schedule: "cosine", t_max: epochs } });
  for (const variant of VARIANTS) configs.push({ name: `${variant}-large`, hp: { ...LARGE, variant } });
  // The best configuration of a real sweep's peer (Optuna + PyTorch): a high learning rate.
  configs.push({ name: "bidirectional-fast", hp: { ...SMALL, variant: "bidirectional", hidden_size: 61, learning_rate: 0.0194, seq_len: 26 } });
  return configs;
}

const DATASETS: Record<string, DatasetSpecInput> = {
  "seattle-weather": { name: "seattle-weather", target: "temp_max", targetTransform: "diff", features: ["precipitation", "temp_max", "temp_min", "wind"] },
  sp500: { name: "sp500", target: "close", targetTransform: "log-return" },
};

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

function intArg(name: string, fallback: number, min: number): number {
  const v = Number(arg(name, String(fallback)));
  if (!Number.isInteger(v) || v < min) throw new Error(`--${name} must be an integer >= ${min}, but got ${arg(name, "")}`);
  return v;
}

interface RunResult {
  config: string;
  engine: "hyperq" | "pytorch";
  seed: number;
  /** Validation MAE in original units; NaN when the run diverged. */
  valMae: number;
  bestEpoch: number;
  epochs: number;
}

/** Writes the train and validation windows as the reference script reads them (little-endian float32). */
function writeWindows(path: string, w: Windows): void {
  const header = new Float32Array([w.train.n, w.val.n, w.seqLen, w.features, w.horizon, 0]);
  const parts = [header, w.train.x, w.train.y, w.val.x, w.val.y];
  const total = parts.reduce((n, p) => n + p.length, 0);
  const all = new Float32Array(total);
  let at = 0;
  for (const p of parts) {
    all.set(p, at);
    at += p.length;
  }
  writeFileSync(path, Buffer.from(all.buffer));
}

/** Debian's python3-torch lives under /usr/bin/python3, which may not be the python3 on PATH. */
function torchPython(): string | undefined {
  return ["/usr/bin/python3", "python3"].find((py) => spawnSync(py, ["-c", "import torch"]).status === 0);
}

interface TorchLine {
  id: string;
  best_epoch: number;
  epochs: number;
  predictions: number[] | null;
}

/** Runs the PyTorch reference over every job in one child process; resolves with its results. */
function runTorch(python: string, script: string, jobFile: string, onLine: (line: TorchLine) => void): Promise<void> {
  return new Promise((done, fail) => {
    const child = spawn(python, [script, jobFile], { stdio: ["ignore", "pipe", "inherit"] });
    createInterface({ input: child.stdout }).on("line", (line) => {
      if (line.startsWith("{")) onLine(JSON.parse(line) as TorchLine);
    });
    child.on("error", fail);
    child.on("close", (code) => (code === 0 ? done() : fail(new Error(`the PyTorch reference exited with ${code}`))));
  });
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

interface Summary {
  config: string;
  engine: string;
  runs: number;
  median: number;
  min: number;
  max: number;
  q1: number;
  q3: number;
  iqr: number;
  median_best_epoch: number;
  median_epochs: number;
  diverged: number;
}

function summarise(config: string, engine: string, runs: RunResult[]): Summary {
  const ok = runs.filter((r) => Number.isFinite(r.valMae));
  const maes = ok.map((r) => r.valMae).sort((a, b) => a - b);
  const q1 = quantile(maes, 0.25);
  const q3 = quantile(maes, 0.75);
  const med = (xs: number[]) => quantile([...xs].sort((a, b) => a - b), 0.5);
  return {
    config,
    engine,
    runs: runs.length,
    median: quantile(maes, 0.5),
    min: maes[0] ?? Number.NaN,
    max: maes[maes.length - 1] ?? Number.NaN,
    q1,
    q3,
    iqr: q3 - q1,
    median_best_epoch: med(ok.map((r) => r.bestEpoch)),
    median_epochs: med(ok.map((r) => r.epochs)),
    diverged: runs.length - ok.length,
  };
}

async function main(): Promise<void> {
  const root = resolve(dirname(fileURLToPath(import.meta.url)), "..");
  const datasetName = arg("dataset", "seattle-weather");
  const datasetInput = DATASETS[datasetName];
  if (datasetInput === undefined) throw new Error(`--dataset must be one of ${Object.keys(DATASETS).join(", ")}, but got ${datasetName}`);
  const seeds = intArg("seeds", 5, 1);
  const epochs = intArg("epochs", 40, 1);
  const patience = intArg("patience", 6, 0);
  const engines = arg("engines", "hyperq,torch").split(",");
  const init = arg("init", "pytorch") as InitScheme;
  if (!INIT_SCHEMES.includes(init)) throw new Error(`--init must be one of ${INIT_SCHEMES.join(", ")}, but got ${init}`);
  const known = allConfigs(epochs);
  const wanted = process.argv.includes("--configs") ? arg("configs", "").split(",") : known.map((c) => c.name);
  const configs = wanted.map((name) => {
    const c = known.find((k) => k.name === name);
    if (c === undefined) throw new Error(`--configs: unknown configuration ${name} (known: ${known.map((k) => k.name).join(", ")})`);
    return c;
  });

  const spec = datasetSpecSchema.parse(datasetInput);
  const { text, file } = readDatasetSource(spec, root);
  const prepared: PreparedDataset = prepareDatasetCached(spec, text, file);
  const hps = configs.map((c) => ({ name: c.name, hp: { ...DEFAULT_HYPERPARAMS, ...c.hp } as Hyperparams }));
  const results: RunResult[] = [];
  const score = (seqLen: number, predictions: Float32Array | Float64Array) => evaluateForecast(prepared, seqLen, "val", predictions).valMae;

  const runsOut = process.argv.includes("--runs-out") ? arg("runs-out", "") : undefined;
  if (runsOut !== undefined) writeFileSync(runsOut, "");
  const record = (r: RunResult): void => {
    results.push(r);
    if (runsOut !== undefined) appendFileSync(runsOut, `${JSON.stringify(r)}\n`);
  };
  const loaded = new Set<string>();
  if (process.argv.includes("--from")) {
    const names = new Set(hps.map((c) => c.name));
    for (const path of arg("from", "").split(",")) {
      for (const line of readFileSync(path, "utf8").split("\n")) {
        if (!line.startsWith("{")) continue;
        const r = JSON.parse(line) as RunResult;
        if (!names.has(r.config) || r.seed > seeds) continue;
        loaded.add(r.engine);
        record({ ...r, valMae: r.valMae ?? Number.NaN });
      }
    }
  }

  // The PyTorch reference runs in its own process, beside HyperQ's runs in this one.
  let torchDone: Promise<void> = Promise.resolve();
  const dir = mkdtempSync(join(tmpdir(), "hyperq-parity-"));
  const python = engines.includes("torch") && !loaded.has("pytorch") ? torchPython() : undefined;
  if (engines.includes("torch") && python === undefined) console.error("PyTorch not importable (apt-get install python3-torch): HyperQ only.");
  if (python !== undefined) {
    const data: Record<string, string> = {};
    for (const seqLen of new Set(hps.map((c) => c.hp.seq_len))) {
      data[String(seqLen)] = join(dir, `windows-${seqLen}.f32`);
      writeWindows(data[String(seqLen)] as string, makeWindows(prepared, seqLen));
    }
    const runs = hps.flatMap((c) =>
      Array.from({ length: seeds }, (_, s) => ({ id: `${c.name}#${s + 1}`, seq_len: c.hp.seq_len, hp: c.hp, seed: s + 1, epochs, patience })),
    );
    const jobFile = join(dir, "job.json");
    writeFileSync(jobFile, JSON.stringify({ data, runs }));
    torchDone = runTorch(python, resolve(root, "scripts/torch_parity_ref.py"), jobFile, (line) => {
      const [config, seed] = line.id.split("#") as [string, string];
      const seqLen = hps.find((c) => c.name === config)?.hp.seq_len as number;
      const valMae = line.predictions === null ? Number.NaN : score(seqLen, Float64Array.from(line.predictions));
      record({ config, engine: "pytorch", seed: Number(seed), valMae, bestEpoch: line.best_epoch, epochs: line.epochs });
      console.error(`pytorch ${line.id}: val MAE ${valMae.toFixed(4)}, best epoch ${line.best_epoch}/${line.epochs}`);
    });
  }

  if (engines.includes("hyperq") && !loaded.has("hyperq")) {
    const backend = await initBackend(arg("backend", "wasm"));
    console.error(`HyperQ on ${backend.name}, ${init} initialisation`);
    for (const c of hps) {
      const w = makeWindows(prepared, c.hp.seq_len);
      for (let seed = 1; seed <= seeds; seed++) {
        const outcome = await trainModel({
          hyperparams: c.hp,
          epochs,
          patience,
          seed,
          init,
          data: { seqLen: w.seqLen, features: w.features, horizon: w.horizon, train: w.train, val: w.val },
        });
        const valMae = outcome.status === "diverged" || !Number.isFinite(outcome.bestValLoss) ? Number.NaN : score(c.hp.seq_len, outcome.valPredictions);
        record({ config: c.name, engine: "hyperq", seed, valMae, bestEpoch: outcome.bestEpoch, epochs: outcome.epochs });
        console.error(`hyperq ${c.name}#${seed}: val MAE ${valMae.toFixed(4)}, best epoch ${outcome.bestEpoch}/${outcome.epochs}`);
      }
    }
  }
  try {
    await torchDone;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const summaries: Summary[] = [];
  for (const c of hps) {
    for (const engine of ["hyperq", "pytorch"] as const) {
      const runs = results.filter((r) => r.config === c.name && r.engine === engine);
      if (runs.length > 0) summaries.push(summarise(c.name, engine, runs));
    }
  }
  const verdicts = hps.flatMap((c) => {
    const h = summaries.find((s) => s.config === c.name && s.engine === "hyperq");
    const p = summaries.find((s) => s.config === c.name && s.engine === "pytorch");
    if (h === undefined || p === undefined) return [];
    const maes = (engine: string) => results.filter((r) => r.config === c.name && r.engine === engine && Number.isFinite(r.valMae)).map((r) => r.valMae);
    return [{ name: c.name, delta: h.median - p.median, median: h.median <= p.median, spread: h.max - h.min <= p.max - p.min, p: mannWhitneyP(maes("hyperq"), maes("pytorch")) }];
  });
  if (process.argv.includes("--json")) {
    for (const s of summaries) {
      const v = verdicts.find((x) => x.name === s.config);
      console.log(JSON.stringify(s.engine === "hyperq" && v !== undefined ? { ...s, delta_median_vs_pytorch: v.delta, rank_test_p: v.p } : s));
    }
    return;
  }
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : "—");
  console.log(`\n${datasetName}, ${seeds} seeds, ≤ ${epochs} epochs, patience ${patience}, HyperQ with ${init} initialisation: validation MAE in original units`);
  console.log("| configuration | engine | runs | median | min–max | IQR | best epoch / epochs (median) | diverged |");
  console.log("|---|---|---|---|---|---|---|---|");
  for (const s of summaries) {
    console.log(`| ${s.config} | ${s.engine} | ${s.runs} | ${f(s.median)} | ${f(s.min)}–${f(s.max)} | ${f(s.iqr)} | ${s.median_best_epoch} / ${s.median_epochs} | ${s.diverged} |`);
  }
  if (verdicts.length > 0) {
    console.log("\n| configuration | HyperQ − PyTorch median | HyperQ range no wider | rank test p (same distribution?) |");
    console.log("|---|---|---|---|");
    for (const v of verdicts) console.log(`| ${v.name} | ${v.delta >= 0 ? "+" : ""}${v.delta.toFixed(4)} | ${v.spread ? "yes" : "no"} | ${v.p.toFixed(3)} |`);
    console.log(`\nHyperQ median ≤ PyTorch's: ${verdicts.filter((v) => v.median).length}/${verdicts.length}; range no wider: ${verdicts.filter((v) => v.spread).length}/${verdicts.length}; rank test p < 0.05: ${verdicts.filter((v) => v.p < 0.05).length}/${verdicts.length} (Mann–Whitney, two-sided)`);
  }
}

await main();

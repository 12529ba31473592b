/**
 * `pnpm bench:train` — training throughput (samples/s) of HyperQ's LSTM variants per backend, each
 * beside its own PyTorch twin (../shared/bench/torch_lstm_ref.py, one thread, same H/L/B/T, samples
 * and epochs) timed in the same sitting when python3-torch is installed. Compare ratios from one
 * sitting only: the machines are shared and noisy.
 *
 * Usage: tsx scripts/bench-train.ts [--backends wasm,cpu] [--variants multi,single,...] [--configs small,seed,large,huge]
 *        [--samples 1024] [--epochs 3] [--threads 1] [--trials 1] [--no-torch] [--no-memory] [--json]
 * `--threads N` sets HYPERQ_TRIAL_THREADS=N in each child (the row's `threads` is what the backend
 * reports it runs with); `--trials K` runs K children at once per backend, like a worker with
 * --concurrency K, and reports samples/s per machine (their sum; samples/CPU-s is their mean).
 * `--json` prints one line per row: backend, kernels (what ran the LSTM layers), config, variant, H, L, B, T, samples_per_s,
 * torch_samples_per_s, ratio (null where PyTorch is missing).
 * Each backend runs in its own child process (a process holds one tfjs backend); the cpu backend runs
 * only the multi variant on 64 samples unless --variants / --samples say otherwise. Unless --no-memory,
 * the wasm child also trains one batch of the largest supported model (H256 L3 B128 T120, multi and
 * bidirectional) and prints the wasm heap it needed (the heap is 4 GiB at most).
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// The packages' public entry points (the root has no workspace links of its own).
import { createResumableRng, DEFAULT_HYPERPARAMS, MODEL_VARIANTS } from "../packages/protocol/src/index.ts";
import type { Hyperparams, ModelVariant } from "../packages/protocol/src/index.ts";
import { engineMemory, initBackend, trainModel } from "../packages/models/src/index.ts";

interface BenchConfig {
  name: string;
  H: number;
  L: number;
  B: number;
  T: number;
  /** Samples per epoch and timed epochs when `--samples` / `--epochs` are not given. */
  samples: number;
  epochs: number;
}
const CONFIGS: Record<string, BenchConfig> = {
  /** The size of a typical trial of a real sweep (`pnpm bench:real`), where per-batch overhead shows. */
  small: { name: "small", H: 32, L: 1, B: 32, T: 12, samples: 2048, epochs: 3 },
  seed: { name: "seed", H: 64, L: 2, B: 32, T: 20, samples: 1024, epochs: 3 },
  large: { name: "large", H: 128, L: 2, B: 64, T: 60, samples: 1024, epochs: 3 },
  huge: { name: "huge", H: 256, L: 3, B: 128, T: 120, samples: 256, epochs: 1 },
};
const FEATURES = 10;

interface Row {
  backend: string;
  /** What ran the LSTM layers (`BackendInfo.lstmKernels`): native kernels, webassembly, js. */
  kernels: string;
  config: string;
  variant: string;
  samplesPerS: number;
  /** Per second of this process's CPU time: steadier than wall time on a contended machine. */
  samplesPerCpuS: number;
  /** Threads the backend runs with (wasm; else 1) and trial processes at once. */
  threads: number;
  trials: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

/** Samples per epoch and timed epochs of a config, the same for HyperQ and its PyTorch twin. */
function sizes(c: BenchConfig): { n: number; epochs: number } {
  return { n: Number(arg("samples", String(c.samples))), epochs: Number(arg("epochs", String(c.epochs))) };
}

async function child(): Promise<void> {
  const backend = await initBackend(arg("backend", "wasm"));
  const rng = createResumableRng(0);
  for (const configName of arg("configs", "seed,large").split(",")) {
    const c = CONFIGS[configName];
    if (c === undefined) throw new Error(`--configs: unknown config ${configName} (${Object.keys(CONFIGS).join(", ")})`);
    const { n, epochs } = sizes(c);
    const rand = (k: number) => Float32Array.from({ length: k }, () => rng.next() * 2 - 1);
    const data = {
      seqLen: c.T,
      features: FEATURES,
      horizon: 1,
      train: { n, x: rand(n * c.T * FEATURES), y: rand(n) },
      val: { n: 8, x: rand(8 * c.T * FEATURES), y: rand(8) },
    };
    for (const variant of arg("variants", MODEL_VARIANTS.join(",")).split(",") as ModelVariant[]) {
      const hyperparams: Hyperparams = { ...DEFAULT_HYPERPARAMS, variant, hidden_size: c.H, num_layers: c.L, batch_size: c.B, seq_len: c.T };
      let ms = 0;
      let cpuStart: NodeJS.CpuUsage | undefined;
      let cpuMs = 0;
      // Epoch 1 is the warm-up (first-call costs); the rest are timed.
      await trainModel({
        hyperparams,
        epochs: epochs + 1,
        patience: 0,
        seed: 1,
        data,
        onEpoch: (r) => {
          if (r.epoch > 1) ms += r.durationMs;
          if (r.epoch === 1) cpuStart = process.cpuUsage();
          if (r.epoch === epochs + 1 && cpuStart !== undefined) {
            const d = process.cpuUsage(cpuStart);
            cpuMs = (d.user + d.system) / 1000;
          }
          return "continue";
        },
      });
      const row: Row = {
        backend: backend.name,
        kernels: backend.lstmKernels,
        config: c.name,
        variant,
        samplesPerS: Math.round((epochs * n) / (ms / 1000)),
        samplesPerCpuS: Math.round((epochs * n) / (cpuMs / 1000)),
        threads: backend.threads?.effective ?? 1,
        trials: 1,
      };
      console.log(JSON.stringify(row));
      console.error(`${row.backend} ${c.name} ${variant}: ${row.samplesPerS} samples/s`);
    }
  }
  if (backend.name === "wasm" && !process.argv.includes("--no-memory")) await memoryCheck();
}

/** One batch of the largest model the issue requires (H256 L3 B128 T120) must fit the wasm heap. */
async function memoryCheck(): Promise<void> {
  const [H, L, B, T] = [256, 3, 128, 120];
  const rng = createResumableRng(1);
  const rand = (k: number) => Float32Array.from({ length: k }, () => rng.next() * 2 - 1);
  const data = {
    seqLen: T,
    features: FEATURES,
    horizon: 1,
    train: { n: B, x: rand(B * T * FEATURES), y: rand(B) },
    val: { n: 8, x: rand(8 * T * FEATURES), y: rand(8) },
  };
  for (const variant of ["multi", "bidirectional"] as const) {
    const started = performance.now();
    const hyperparams: Hyperparams = { ...DEFAULT_HYPERPARAMS, variant, hidden_size: H, num_layers: L, batch_size: B, seq_len: T };
    const outcome = await trainModel({ hyperparams, epochs: 1, patience: 0, seed: 1, data });
    const heap = engineMemory().wasmHeapBytes ?? 0;
    console.error(
      `memory check: ${variant} H${H} L${L} B${B} T${T}: ${outcome.status}, one batch in ${((performance.now() - started) / 1000).toFixed(1)} s, wasm heap ${(heap / 2 ** 20).toFixed(0)} MiB of 4096`,
    );
  }
}

/** Debian's python3-torch lives under /usr/bin/python3, which may not be the python3 on PATH. */
function torchPython(): string | undefined {
  return ["/usr/bin/python3", "python3"].find((py) => spawnSync(py, ["-c", "import torch"]).status === 0);
}

/** The PyTorch twin of one variant in one config (its script warms up one epoch, then times the rest). */
function torchReference(python: string, script: string, c: BenchConfig, variant: string): number | undefined {
  const { n, epochs } = sizes(c);
  try {
    const out = execFileSync(python, [script, String(c.H), String(c.L), String(c.B), String(c.T), String(n), String(epochs), variant], { encoding: "utf8" });
    const parsed = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { samples_per_s?: number };
    return parsed.samples_per_s;
  } catch {
    return undefined;
  }
}

/** Runs one bench child; resolves with its stdout and exit status (stderr passes through). */
function runChild(args: string[], cwd: string, env: NodeJS.ProcessEnv): Promise<{ stdout: string; status: number | null }> {
  return new Promise((done, fail) => {
    const p = spawn(process.execPath, args, { cwd, env, stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    p.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
    p.on("error", fail);
    p.on("close", (status) => done({ stdout, status }));
  });
}

/** The rows of K children that ran at once, row by row: samples/s summed (per machine), samples/CPU-s averaged. */
function machineRows(perChild: Row[][]): Row[] {
  const first = perChild[0] ?? [];
  return first.map((row, i) => {
    const same = perChild.map((rs) => rs[i]).filter((r): r is Row => r !== undefined);
    return {
      ...row,
      samplesPerS: same.reduce((a, r) => a + r.samplesPerS, 0),
      samplesPerCpuS: Math.round(same.reduce((a, r) => a + r.samplesPerCpuS, 0) / same.length),
      trials: same.length,
    };
  });
}

async function main(): Promise<void> {
  if (process.argv.includes("--child")) return child();
  const self = fileURLToPath(import.meta.url);
  const root = resolve(dirname(self), "..");
  const backends = arg("backends", "wasm,cpu").split(",");
  const trials = Number(arg("trials", "1"));
  if (!Number.isInteger(trials) || trials < 1) throw new Error("--trials must be a whole number of at least 1");
  const passOn = ["variants", "configs", "samples", "epochs"].flatMap((k) => (process.argv.includes(`--${k}`) ? [`--${k}`, arg(k, "")] : []));
  if (process.argv.includes("--no-memory")) passOn.push("--no-memory");
  const rows: Row[] = [];
  for (const backend of backends) {
    // The cpu backend is ~20× slower: unless told otherwise it runs the seed's MultiLSTM only, on
    // fewer samples, to keep the sitting short.
    const extra =
      backend === "cpu"
        ? [
            ...(process.argv.includes("--samples") ? [] : ["--samples", "64", "--epochs", "1"]),
            ...(process.argv.includes("--variants") ? [] : ["--variants", "multi"]),
          ]
        : [];
    const env = { ...process.env, HYPERQ_TRIAL_THREADS: arg("threads", "1") };
    const childArgs = [...process.execArgv, self, "--child", "--backend", backend, ...passOn, ...extra];
    const outputs = await Promise.all(Array.from({ length: trials }, () => runChild(childArgs, root, env)));
    for (const { status } of outputs) if (status !== 0) console.error(`backend ${backend}: exited with ${status}`);
    rows.push(...machineRows(outputs.map((o) => o.stdout.split("\n").filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Row))));
  }

  const torchScript = resolve(root, "../shared/bench/torch_lstm_ref.py");
  const python = process.argv.includes("--no-torch") || !existsSync(torchScript) ? undefined : torchPython();
  const table = rows.map((r) => {
    const c = CONFIGS[r.config] as BenchConfig;
    // Each row's twin is timed right after the HyperQ rows of this sitting, variant by variant.
    const torchSps = python === undefined ? undefined : torchReference(python, torchScript, c, r.variant);
    return {
      backend: r.backend,
      kernels: r.kernels,
      config: r.config,
      variant: r.variant,
      H: c.H,
      L: c.L,
      B: c.B,
      T: c.T,
      samples_per_s: r.samplesPerS,
      samples_per_cpu_s: r.samplesPerCpuS,
      threads: r.threads,
      trials: r.trials,
      torch_samples_per_s: torchSps ?? null,
      ratio: torchSps === undefined ? null : Number((r.samplesPerS / torchSps).toFixed(3)),
    };
  });

  if (process.argv.includes("--json")) {
    for (const row of table) console.log(JSON.stringify(row));
    return;
  }
  console.log("\n| backend | LSTM kernels | config | variant | trials × threads | samples/s | PyTorch twin (1 thread) | ratio | samples/CPU-s |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const r of table) {
    const twin = r.torch_samples_per_s ?? "—";
    const ratio = r.ratio === null ? "—" : `${r.ratio.toFixed(2)}×`;
    console.log(`| ${r.backend} | ${r.kernels} | H${r.H} L${r.L} B${r.B} T${r.T} | ${r.variant} | ${r.trials} × ${r.threads} | ${r.samples_per_s} | ${twin} | ${ratio} | ${r.samples_per_cpu_s} |`);
  }
  if (python === undefined) console.log("\nPyTorch not importable (apt-get install python3-torch): no ratios printed.");
}

await main();

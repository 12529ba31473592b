/**
 * `pnpm bench:train` — training throughput (samples/s) of HyperQ's LSTM variants per backend, beside
 * PyTorch's reference (../shared/bench/torch_lstm_ref.py, the seed's MultiLSTM, one thread) when
 * python3-torch is installed. Compare ratios from one sitting only: the machines are shared and noisy.
 *
 * Usage: tsx scripts/bench-train.ts [--backends wasm,cpu] [--variants multi,single,...] [--configs seed,large]
 *        [--samples 1024] [--epochs 3] [--no-torch]
 * Each backend runs in its own child process (a process holds one tfjs backend).
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
// The packages' public entry points (the root has no workspace links of its own).
import { DEFAULT_HYPERPARAMS, MODEL_VARIANTS } from "../packages/protocol/src/index.ts";
import type { Hyperparams, ModelVariant } from "../packages/protocol/src/index.ts";
import { createRng, initBackend, trainModel } from "../packages/models/src/index.ts";

interface BenchConfig {
  name: string;
  H: number;
  L: number;
  B: number;
  T: number;
}
const CONFIGS: Record<string, BenchConfig> = {
  seed: { name: "seed", H: 64, L: 2, B: 32, T: 20 },
  large: { name: "large", H: 128, L: 2, B: 64, T: 60 },
};
const FEATURES = 10;

interface Row {
  backend: string;
  config: string;
  variant: string;
  samplesPerS: number;
}

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? (process.argv[i + 1] ?? fallback) : fallback;
}

async function child(): Promise<void> {
  const backend = await initBackend(arg("backend", "wasm"));
  const n = Number(arg("samples", "1024"));
  const epochs = Number(arg("epochs", "3"));
  const rng = createRng(0);
  for (const configName of arg("configs", "seed,large").split(",")) {
    const c = CONFIGS[configName];
    if (c === undefined) throw new Error(`--configs: unknown config ${configName} (seed, large)`);
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
      // Epoch 1 is the warm-up (first-call costs); the rest are timed.
      await trainModel({
        hyperparams,
        epochs: epochs + 1,
        patience: 0,
        seed: 1,
        data,
        onEpoch: (r) => {
          if (r.epoch > 1) ms += r.durationMs;
          return "continue";
        },
      });
      const row: Row = { backend: backend.name, config: c.name, variant, samplesPerS: Math.round((epochs * n) / (ms / 1000)) };
      console.log(JSON.stringify(row));
    }
  }
}

function torchReference(script: string, c: BenchConfig): number | undefined {
  try {
    const out = execFileSync("python3", [script, String(c.H), String(c.L), String(c.B), String(c.T), "1024", "3"], { encoding: "utf8" });
    const parsed = JSON.parse(out.trim().split("\n").pop() ?? "{}") as { samples_per_s?: number };
    return parsed.samples_per_s;
  } catch {
    return undefined;
  }
}

async function main(): Promise<void> {
  if (process.argv.includes("--child")) return child();
  const self = fileURLToPath(import.meta.url);
  const root = resolve(dirname(self), "..");
  const backends = arg("backends", "wasm,cpu").split(",");
  const passOn = ["variants", "configs", "samples", "epochs"].flatMap((k) => (process.argv.includes(`--${k}`) ? [`--${k}`, arg(k, "")] : []));
  const rows: Row[] = [];
  for (const backend of backends) {
    // The cpu backend is ~10× slower: fewer samples keep the sitting short.
    const extra = backend === "cpu" && !process.argv.includes("--samples") ? ["--samples", "128", "--epochs", "1"] : [];
    const r = spawnSync(process.execPath, [...process.execArgv, self, "--child", "--backend", backend, ...passOn, ...extra], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "inherit"],
    });
    for (const line of r.stdout.split("\n")) if (line.startsWith("{")) rows.push(JSON.parse(line) as Row);
    if (r.status !== 0) console.error(`backend ${backend}: exited with ${r.status}`);
  }

  const torchScript = resolve(root, "../shared/bench/torch_lstm_ref.py");
  const torch = new Map<string, number>();
  const hasTorch = !process.argv.includes("--no-torch") && existsSync(torchScript) && spawnSync("python3", ["-c", "import torch"]).status === 0;
  if (hasTorch) {
    for (const name of new Set(rows.map((r) => r.config))) {
      const c = CONFIGS[name];
      const sps = c === undefined ? undefined : torchReference(torchScript, c);
      if (sps !== undefined) torch.set(name, sps);
    }
  }

  console.log("\n| backend | config | variant | samples/s | × PyTorch MultiLSTM |");
  console.log("|---|---|---|---|---|");
  for (const r of rows) {
    const c = CONFIGS[r.config] as BenchConfig;
    const ref = torch.get(r.config);
    const ratio = ref === undefined ? "—" : (r.samplesPerS / ref).toFixed(2);
    console.log(`| ${r.backend} | H${c.H} L${c.L} B${c.B} T${c.T} | ${r.variant} | ${r.samplesPerS} | ${ratio} |`);
  }
  for (const [name, sps] of torch) {
    const c = CONFIGS[name] as BenchConfig;
    console.log(`| pytorch (1 thread) | H${c.H} L${c.L} B${c.B} T${c.T} | multi | ${sps} | 1.00 |`);
  }
  if (!hasTorch) console.log("\nPyTorch not importable (apt-get install python3-torch): no ratios printed.");
}

await main();

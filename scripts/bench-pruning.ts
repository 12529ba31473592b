/**
 * `pnpm bench:pruning` — how much compute early stopping saves on the real problem: the seed's
 * random-search space on the daily S&P 500, the same trials (same sweep seed → same parameters and
 * trial seeds) run without pruning, with the median pruner and with ASHA, by a coordinator and
 * two real worker processes. Prints best validation loss, epochs trained and wall time.
 *
 *   pnpm bench:pruning [--trials 20] [--epochs 9] [--workers 2] [--json]
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { RedisSweepStore, connectRedis } from "@hyperq/store";

const { values: opts } = parseArgs({
  options: {
    trials: { type: "string", default: "20" },
    epochs: { type: "string", default: "9" },
    workers: { type: "string", default: "2" },
    json: { type: "boolean", default: false },
  },
});
const trials = Number(opts.trials);
const epochs = Number(opts.epochs);
const nWorkers = Number(opts.workers);
const root = resolve(import.meta.dirname, "..");
const cli = resolve(root, "apps/cli/src/main.ts");
const redisUrl = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `hqbench-${randomUUID().slice(0, 8)}`;
const env = { ...process.env, REDIS_URL: redisUrl, HYPERQ_PREFIX: prefix, HYPERQ_LOG_LEVEL: "warn" };

const pruners: Record<string, string> = {
  none: "{ kind: none }",
  median: "{ kind: median, warmupEpochs: 1, minTrials: 4 }",
  asha: `{ kind: asha, minEpochs: 1, reductionFactor: 3 }`,
};

function spec(name: string, pruner: string): string {
  return `
name: bench-pruning-${name}
seed: 2024
dataset: { name: sp500, target: close, targetTransform: log-return }
model: multi
method: random
budget: ${trials}
parallelism: ${nWorkers}
epochs: ${epochs}
training: { seq_len: 20, optimizer: adam }
pruner: ${pruner}
space:
  hidden_size: [32, 64, 128]
  num_layers: [1, 2, 3]
  dropout: { type: float, low: 0.1, high: 0.3 }
  learning_rate: [0.0001, 0.001, 0.01]
  batch_size: [16, 32, 64]
`;
}

const procs: ChildProcess[] = [];
const start = (args: string[]) => {
  const p = spawn(process.execPath, ["--import", "tsx", cli, ...args], { cwd: root, env, stdio: ["ignore", "ignore", "inherit"] });
  procs.push(p);
};
const run = (args: string[]) =>
  new Promise<string>((ok, fail) => {
    let out = "";
    const p = spawn(process.execPath, ["--import", "tsx", cli, ...args], { cwd: root, env, stdio: ["ignore", "pipe", "inherit"] });
    p.stdout.on("data", (d: Buffer) => (out += d.toString()));
    p.on("exit", (code) => (code === 0 ? ok(out) : fail(new Error(`hyperq ${args.join(" ")} exited ${code}`))));
  });

const redis = connectRedis(redisUrl);
const store = new RedisSweepStore(redis, { keyPrefix: prefix });
const dir = mkdtempSync(join(tmpdir(), "hyperq-bench-"));
const rows: { pruner: string; best: number; bestTrial: number; epochs: number; pruned: number; wallS: number }[] = [];
try {
  start(["coordinator"]);
  for (let i = 0; i < nWorkers; i++) start(["worker"]);
  for (const [name, pruner] of Object.entries(pruners)) {
    const file = join(dir, `${name}.yaml`);
    writeFileSync(file, spec(name, pruner));
    const t0 = performance.now();
    const id = (await run(["sweep", "launch", file, "--detach"])).trim().split("\n")[0]!;
    for (;;) {
      const s = await store.getSweep(id);
      if (s?.state === "complete") break;
      await new Promise((r) => setTimeout(r, 500));
    }
    const wallS = (performance.now() - t0) / 1000;
    const all = await store.listTrials(id);
    const s = await store.getSweep(id);
    const row = {
      pruner: name,
      best: s?.best?.valLoss ?? NaN,
      bestTrial: s?.best?.trial ?? -1,
      epochs: all.reduce((a, t) => a + t.epochsReported, 0),
      pruned: all.filter((t) => t.state === "pruned").length,
      wallS,
    };
    rows.push(row);
    if (opts.json) process.stdout.write(`${JSON.stringify({ bench: "pruning", trials, maxEpochs: epochs, workers: nWorkers, ...row })}\n`);
    else process.stderr.write(`${name}: done in ${wallS.toFixed(0)} s\n`);
  }
} finally {
  for (const p of procs) p.kill("SIGTERM");
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  redis.disconnect();
}

if (!opts.json) {
  const base = rows[0]!;
  const lines = [
    `pruning on S&P 500 (seed's random-search space), ${trials} trials × up to ${epochs} epochs, ${nWorkers} workers`,
    "",
    "| pruner | best val loss (trial) | vs none | epochs trained | vs none | pruned | wall time |",
    "|---|---|---|---|---|---|---|",
    ...rows.map(
      (r) =>
        `| ${r.pruner} | ${r.best.toPrecision(5)} (#${r.bestTrial}) | ${(((r.best - base.best) / base.best) * 100).toFixed(2)}% | ${r.epochs} | ${((r.epochs / base.epochs) * 100).toFixed(0)}% | ${r.pruned} | ${r.wallS.toFixed(0)} s |`,
    ),
  ];
  process.stdout.write(`${lines.join("\n")}\n`);
}
process.exit(0);

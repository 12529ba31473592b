/**
 * Orchestration throughput: trials per second through coordinator → BullMQ queue → worker → store,
 * with a no-op trainer (claim, one epoch report, complete: the store verbs of a real trial, no
 * training), against BullMQ alone moving the same number of jobs through the same workers. Needs
 * Redis at REDIS_URL; uses its own key prefix and removes its keys. A command, not a test.
 *
 *   pnpm bench:orchestration                         # 4 workers, 3000 trials, 512 in flight
 *   pnpm bench:orchestration --trials 10000 --parallelism 1024 --concurrency 128
 *   pnpm bench:orchestration --processes             # each worker in its own process
 *   pnpm bench:orchestration --json
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import { parseSweepSpec, type TrialPayload } from "@hyperq/protocol";
import { Coordinator, TrialQueue } from "@hyperq/coordinator";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { startNoopWorker, type NoopWorker } from "@hyperq/worker";

const { values } = parseArgs({
  options: {
    trials: { type: "string", default: "3000" },
    workers: { type: "string", default: "4" },
    concurrency: { type: "string", default: "64" },
    parallelism: { type: "string", default: "512" },
    processes: { type: "boolean", default: false },
    json: { type: "boolean", default: false },
    // internal: run one no-op worker in this process until stdin closes
    "worker-mode": { type: "string" },
    prefix: { type: "string" },
  },
});

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const int = (name: string, v: string | undefined, min: number): number => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) {
    process.stderr.write(`bench-orchestration: --${name} must be an integer >= ${min}, but got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
};
const TRIALS = int("trials", values.trials, 1);
const WORKERS = int("workers", values.workers, 1);
const CONCURRENCY = int("concurrency", values.concurrency, 1);
const PARALLELISM = int("parallelism", values.parallelism, 1);

/** The worker side when run as a separate process: starts, prints "ready", stops when stdin closes. */
async function workerProcess(mode: "store" | "bare", prefix: string): Promise<void> {
  const w = await startNoopWorker({ redisUrl: REDIS_URL, keyPrefix: prefix, concurrency: CONCURRENCY, mode });
  process.stdout.write("ready\n");
  process.stdin.resume();
  process.stdin.on("end", () => {
    void w.close().then(() => process.exit(0));
  });
}

/** Starts the workers (in this process, or one process each); `close` stops them. */
async function startWorkers(mode: "store" | "bare", prefix: string): Promise<{ close(): Promise<void> }> {
  if (!values.processes) {
    const ws: NoopWorker[] = [];
    for (let i = 0; i < WORKERS; i++) ws.push(await startNoopWorker({ redisUrl: REDIS_URL, keyPrefix: prefix, concurrency: CONCURRENCY, mode }));
    return { close: async () => void (await Promise.all(ws.map((w) => w.close()))) };
  }
  const self = fileURLToPath(import.meta.url);
  const procs: ChildProcess[] = [];
  await Promise.all(
    Array.from({ length: WORKERS }, () => {
      const p = spawn(process.execPath, ["--import", "tsx", self, "--worker-mode", mode, "--prefix", prefix, "--concurrency", String(CONCURRENCY)], {
        stdio: ["pipe", "pipe", "inherit"],
        env: process.env,
      });
      procs.push(p);
      return new Promise<void>((ready, fail) => {
        p.stdout?.on("data", (d: Buffer) => d.toString().includes("ready") && ready());
        p.once("exit", (code) => fail(new Error(`worker process exited with ${code} before it was ready`)));
      });
    }),
  );
  return {
    close: async () => {
      await Promise.all(
        procs.map(
          (p) =>
            new Promise<void>((done) => {
              p.once("exit", () => done());
              p.stdin?.end();
            }),
        ),
      );
    },
  };
}

async function cleanup(prefix: string): Promise<void> {
  const r = connectRedis(REDIS_URL);
  let cursor = "0";
  do {
    const [next, keys] = await r.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
    cursor = next;
    if (keys.length) await r.del(...keys);
  } while (cursor !== "0");
  r.disconnect();
}

interface Row {
  path: string;
  workers: string;
  trials: number;
  seconds: number;
  per_second: number;
  ms_per_trial: number;
  notes: string;
}

/** BullMQ alone: the same number of jobs, enqueued in bulk, through the same workers doing nothing. */
async function bullmqAlone(): Promise<Row> {
  const prefix = `hqbench-${randomUUID().slice(0, 8)}`;
  const queue = new TrialQueue({ connection: connectRedis(REDIS_URL), keyPrefix: prefix });
  const workers = await startWorkers("bare", prefix);
  try {
    const payload = (n: number): TrialPayload => ({ sweepId: "bare", trialNumber: n, seed: n, params: {}, hyperparams: {} as TrialPayload["hyperparams"], epochs: 1, patience: 0, dataset: { name: "sp500" } as TrialPayload["dataset"] });
    const t0 = performance.now();
    for (let i = 0; i < TRIALS; i += 1000) await queue.enqueue(Array.from({ length: Math.min(1000, TRIALS - i) }, (_, k) => payload(i + k)), 1);
    for (;;) {
      const c = await queue.queue.getJobCounts("completed");
      if ((c.completed ?? 0) >= TRIALS) break;
      await new Promise((r) => setTimeout(r, 10));
    }
    const s = (performance.now() - t0) / 1000;
    return { path: "BullMQ alone (enqueue → no-op worker)", workers: `${WORKERS} × ${CONCURRENCY}`, trials: TRIALS, seconds: s, per_second: TRIALS / s, ms_per_trial: (s * 1000) / TRIALS, notes: "jobs in bulk, no store" };
  } finally {
    await workers.close();
    await queue.close();
    await cleanup(prefix);
  }
}

/** The real thing: a sweep in the store, the real Coordinator, no-op trials through the store verbs. */
async function endToEnd(): Promise<Row> {
  const prefix = `hqbench-${randomUUID().slice(0, 8)}`;
  const redis = connectRedis(REDIS_URL);
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  const queue = new TrialQueue({ connection: connectRedis(REDIS_URL), keyPrefix: prefix });
  const workers = await startWorkers("store", prefix);
  const spec = parseSweepSpec({
    name: "bench",
    method: "random",
    budget: TRIALS,
    parallelism: PARALLELISM,
    epochs: 1,
    space: { hidden_size: [16, 32, 64], dropout: { type: "float", low: 0, high: 0.5 }, learning_rate: { type: "float", low: 1e-4, high: 1e-2, log: true } },
  });
  if (!spec.ok) throw new Error(JSON.stringify(spec.issues));
  const coordinator = new Coordinator({ store, queue });
  try {
    coordinator.start();
    const t0 = performance.now();
    await store.createSweep(spec.value, { id: "bench", budget: TRIALS });
    let s = await store.getSweep("bench");
    while (s?.state !== "complete") {
      await new Promise((r) => setTimeout(r, 10));
      s = await store.getSweep("bench");
    }
    const secs = (performance.now() - t0) / 1000;
    const ok = s.counts.complete === TRIALS && s.created === TRIALS && (await redis.zcard(store.keys.leaderboard("bench"))) === TRIALS;
    return {
      path: "HyperQ end to end (coordinator → queue → worker → store)",
      workers: `${WORKERS} × ${CONCURRENCY}`,
      trials: TRIALS,
      seconds: secs,
      per_second: TRIALS / secs,
      ms_per_trial: (secs * 1000) / TRIALS,
      notes: `random sampler, ${PARALLELISM} in flight; ${ok ? "every trial complete and ranked once" : `MISMATCH: ${JSON.stringify(s.counts)}`}`,
    };
  } finally {
    await coordinator.stop();
    await workers.close();
    await queue.close();
    await store.close();
    redis.disconnect();
    await cleanup(prefix);
  }
}

function table(rows: Row[]): string {
  const head = ["path", "workers", "trials", "seconds", "trials/s", "ms/trial", "notes"];
  const body = rows.map((r) => [r.path, r.workers, String(r.trials), r.seconds.toFixed(2), r.per_second.toFixed(0), r.ms_per_trial.toFixed(3), r.notes]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] ?? "").length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join(" | ")} |`;
  return [line(head), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...body.map(line)].join("\n");
}

async function main(): Promise<void> {
  const mode = values["worker-mode"];
  if (mode === "store" || mode === "bare") return workerProcess(mode, values.prefix ?? "hq");
  const bare = await bullmqAlone();
  const e2e = await endToEnd();
  const rows = [bare, e2e];
  if (values.json) {
    for (const r of rows) process.stdout.write(`${JSON.stringify(r)}\n`);
  } else {
    process.stdout.write(`${table(rows)}\n\n`);
    process.stdout.write(
      `orchestration overhead: ${(e2e.ms_per_trial - bare.ms_per_trial).toFixed(3)} ms per trial over BullMQ alone ` +
        `(${WORKERS} workers${values.processes ? " in their own processes" : " in this process"}, Redis ${REDIS_URL.replace(/\/\/([^@/]*)@/, "//***@")}, ${process.platform} ${process.arch}, node ${process.version})\n`,
    );
  }
  process.exit(0);
}

await main();

/**
 * What keeping models costs, as tables (a benchmark, not a test):
 * 1. Overhead per complete trial: packing the best weights and `putModel` into Redis, per model
 *    size of the seed's random search (multi, hidden 32/64/128 × 1–3 layers, the six S&P 500
 *    columns), beside the time of one training epoch of the same configuration (seq_len 20, batch 32).
 * 2. A training checkpoint (Adam): encoding the whole state and `putCheckpoint`, per model size.
 * 3. Redis memory of a sweep that keeps models: `--trials` complete trials with `keepModels: 5`,
 *    each offering a model of the seed's middle size; the sweep's keys' `MEMORY USAGE` as it grows.
 *
 *   pnpm bench:models [-- --trials 200 --configs 32x1,64x2,128x3 --epoch-configs 32x1 --backend wasm]
 */
import { randomUUID } from "node:crypto";
import { parseArgs } from "node:util";
import { DEFAULT_HYPERPARAMS, datasetSpecSchema, parseSweepSpec, type Hyperparams } from "../packages/protocol/src/index.ts";
import { buildModel, encodeTrainState, initBackend, trainModel } from "../packages/models/src/index.ts";
import { makeWindows, prepareDataset, readDatasetSource } from "../packages/timeseries/src/index.ts";
import { packModel } from "../packages/forecaster/src/index.ts";
import { RedisSweepStore, connectRedis } from "../packages/store/src/index.ts";

const { values } = parseArgs({
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--")),
  options: {
    trials: { type: "string", default: "200" },
    configs: { type: "string", default: "32x1,64x1,64x2,128x2,128x3" },
    "epoch-configs": { type: "string", default: "32x1" },
    backend: { type: "string", default: "wasm" },
    redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
  },
});

const backend = await initBackend(values.backend);
const dataset = datasetSpecSchema.parse({ name: "sp500", target: "close", targetTransform: "log-return" });
const { text, file } = readDatasetSource(dataset, process.cwd());
const prepared = prepareDataset(dataset, text, file);
const redis = connectRedis(values.redis);
const prefix = `hqbench-${randomUUID().slice(0, 8)}`;
const store = new RedisSweepStore(redis, { keyPrefix: prefix });
const parse = (s: string) => s.split(",").map((c) => c.split("x").map(Number) as [number, number]);

function hyperparams(hidden: number, layers: number): Hyperparams {
  return { ...DEFAULT_HYPERPARAMS, variant: "multi", hidden_size: hidden, num_layers: layers, seq_len: 20, batch_size: 32, optimizer: "adam", learning_rate: 0.001 };
}

function model(hp: Hyperparams, trial: number) {
  const m = buildModel({ variant: "multi", inputSize: prepared.meta.features.length, hiddenSize: hp.hidden_size, numLayers: hp.num_layers, dropout: 0.2, horizon: 1 }, trial);
  const weights = m.getWeights();
  m.dispose();
  return packModel({ sweepId: "bench", trial, hyperparams: hp, data: prepared.meta, scores: { valLoss: 1, valMae: 1, bestEpoch: 1 }, weights });
}

/** A sweep of `budget` trials whose trial `n` completes with `loss` (through the store's verbs). */
async function completeTrial(sweepId: string, n: number, loss: number): Promise<string> {
  await store.createTrial(sweepId, n, {}, n);
  const token = `t${n}`;
  await store.claimTrial(sweepId, n, { workerId: "bench", token });
  await store.completeTrial(sweepId, n, token, { valLoss: loss, valMae: loss, valRmse: loss, naiveMae: 1, meanMae: 1, maeRatio: loss, trainLoss: loss, bestEpoch: 1, epochs: 1, durationMs: 1, backend: backend.name, workerId: "bench" });
  return token;
}

function spec(name: string, budget: number) {
  const r = parseSweepSpec({ name, method: "random", budget, epochs: 20, keepModels: 5, space: { hidden_size: [32, 64, 128] } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

async function sweepBytes(sweepId: string): Promise<number> {
  let total = 0;
  for (const k of [store.keys.models(sweepId), store.keys.modelData(sweepId)]) total += Number((await redis.memory("USAGE", k, "SAMPLES", 0)) ?? 0);
  return total;
}

try {
  console.log(`backend ${backend.name}; sp500 ${prepared.meta.rows} rows, ${prepared.meta.features.length} features; Redis prefix ${prefix}\n`);
  console.log("1. per complete trial: pack the best weights + putModel (median of 5)");
  console.log("config      params     bytes   pack+put ms   epoch ms   share of a 1-epoch trial   of a 20-epoch trial");
  await store.createSweep(spec("overhead", 1000), { id: "overhead", budget: 1000 });
  const epochFor = new Set(values["epoch-configs"].split(","));
  let n = 0;
  for (const [hidden, layers] of parse(values.configs)) {
    const hp = hyperparams(hidden, layers);
    const times: number[] = [];
    let bytes = 0;
    for (let rep = 0; rep < 5; rep++) {
      const token = await completeTrial("overhead", n, 0.5 + rep);
      const t0 = performance.now();
      const pkg = model(hp, n);
      await store.putModel("overhead", n, token, pkg);
      times.push(performance.now() - t0);
      bytes = pkg.weights.byteLength;
      n++;
    }
    const ms = times.sort((a, b) => a - b)[2] ?? 0;
    let epochMs = Number.NaN;
    if (epochFor.has(`${hidden}x${layers}`)) {
      const w = makeWindows(prepared, 20);
      // One warm-up epoch (kernel compilation), then the timed one.
      await trainModel({ hyperparams: hp, epochs: 1, patience: 0, seed: 1, data: { seqLen: 20, features: w.features, horizon: 1, train: w.train, val: w.val } });
      const t0 = performance.now();
      await trainModel({ hyperparams: hp, epochs: 1, patience: 0, seed: 2, data: { seqLen: 20, features: w.features, horizon: 1, train: w.train, val: w.val } });
      epochMs = performance.now() - t0;
    }
    const pct = (d: number) => (Number.isFinite(d) ? `${((100 * ms) / d).toFixed(2)}%` : "—");
    console.log(
      `${`${hidden}x${layers}`.padEnd(8)} ${String(bytes / 4).padStart(9)} ${String(bytes).padStart(9)} ${ms.toFixed(1).padStart(13)} ${(Number.isFinite(epochMs) ? epochMs.toFixed(0) : "—").padStart(10)} ${pct(epochMs).padStart(26)} ${pct(epochMs * 20).padStart(21)}`,
    );
  }

  console.log("\n2. per checkpoint (Adam): encode the whole training state + putCheckpoint (median of 5)");
  console.log("config      checkpoint bytes   encode+put ms");
  await store.createSweep(spec("checkpoints", 1000), { id: "checkpoints", budget: 1000 });
  const w = makeWindows(prepared, 20);
  for (const [hidden, layers] of parse(values.configs)) {
    const hp = hyperparams(hidden, layers);
    const m = buildModel({ variant: "multi", inputSize: prepared.meta.features.length, hiddenSize: hidden, numLayers: layers, dropout: 0.2, horizon: 1 }, 1);
    const weights = m.getWeights();
    m.dispose();
    const slot = () => weights.map((x) => new Float32Array(x.values.length));
    const state = {
      epoch: 5,
      weights,
      optimizer: { step: 500, slots: [slot(), slot()] },
      shuffleRng: 1,
      dropoutRng: 2,
      order: new Uint32Array(w.train.n),
      best: { epoch: 4, loss: 0.5, weights, predictions: new Float32Array(w.val.n) },
      sinceBest: 1,
      trainLoss: 0.4,
      reports: Array.from({ length: 5 }, (_, i) => ({ epoch: i + 1, trainLoss: 0.5, valLoss: 0.5, learningRate: 0.001, durationMs: 1000 })),
    };
    const n = 2000 + hidden * 10 + layers;
    await store.createTrial("checkpoints", n, {}, n);
    await store.claimTrial("checkpoints", n, { workerId: "bench", token: "c" });
    const times: number[] = [];
    let bytes = 0;
    for (let rep = 0; rep < 5; rep++) {
      const t0 = performance.now();
      const blob = encodeTrainState(state);
      await store.putCheckpoint("checkpoints", n, "c", blob);
      times.push(performance.now() - t0);
      bytes = blob.byteLength;
    }
    console.log(`${`${hp.hidden_size}x${hp.num_layers}`.padEnd(8)} ${String(bytes).padStart(19)} ${(times.sort((a, b) => a - b)[2] ?? 0).toFixed(1).padStart(15)}`);
  }

  const trials = Number(values.trials);
  console.log(`\n3. Redis memory of a ${trials}-trial sweep with keepModels 5 (models of the 64x2 configuration, random losses)`);
  console.log("trials   kept   model bytes (listModels)   MEMORY USAGE of the model keys");
  await store.createSweep(spec("memory", trials), { id: "memory", budget: trials });
  const pkg = model(hyperparams(64, 2), 0);
  let seed = 7;
  const rand = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) / 2 ** 32);
  for (let t = 0; t < trials; t++) {
    const token = await completeTrial("memory", t, rand());
    await store.putModel("memory", t, token, { manifest: { ...pkg.manifest, trial: t }, weights: pkg.weights });
    if ((t + 1) % Math.max(1, Math.floor(trials / 8)) === 0 || t + 1 === trials) {
      const kept = await store.listModels("memory");
      console.log(`${String(t + 1).padStart(6)} ${String(kept.length).padStart(6)} ${String(kept.reduce((a, m) => a + m.bytes, 0)).padStart(26)} ${String(await sweepBytes("memory")).padStart(32)}`);
    }
  }
} finally {
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await store.close();
  redis.disconnect();
}

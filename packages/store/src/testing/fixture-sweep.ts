import { createResumableRng, deriveTrialSeed, parseSweepSpec, type ParamAssignment, type SweepSpec, type TrialMetrics } from "@hyperq/protocol";
import type { SweepRecord, SweepStore } from "../index.ts";

/**
 * A synthetic sweep, written through the store's own verbs (create, claim, report, complete, prune,
 * fail: what workers do), for benchmarks, demos and tests. Losses follow a known function of the
 * hyperparameters plus noise, so parameter importance has a right answer: learning_rate matters
 * most, then hidden_size and variant, then seq_len; batch_size barely.
 */
export interface FixtureOptions {
  /** @defaultValue "fixture-<trials>" */
  id?: string;
  /** Trials created in all. @defaultValue 10000 */
  trials?: number;
  /** Epochs reported per finished trial. @defaultValue 5 */
  epochs?: number;
  /** Trials left running (claimed, two epochs reported) at the end. @defaultValue 8 */
  running?: number;
  /** Trials left waiting at the end. @defaultValue 8 */
  waiting?: number;
  /** Share of finished trials pruned after two epochs. @defaultValue 0.1 */
  prunedShare?: number;
  /** Share of finished trials failed. @defaultValue 0.03 */
  failedShare?: number;
  /** @defaultValue 1 */
  seed?: number;
  /** Trials written concurrently. @defaultValue 200 */
  concurrency?: number;
  /** Workers announced (their heartbeats are the fixture's clock, so they soon look stale). @defaultValue 4 */
  workers?: number;
  /**
   * Which complete trials report their epochs. `sampled`: every 10th and the best ~10% (by the
   * fixture's loss); the rest complete without epoch reports (less data, faster to write).
   * @defaultValue "all"
   */
  curves?: "all" | "sampled";
  /** Called after each chunk with trials written so far. */
  onProgress?: (done: number, total: number) => void;
}

/** The fixture's uniform stream: Mulberry32 started at the raw `seed` (the sequence every fixture was made with). */
function seededRandom(seed: number): () => number {
  const rng = createResumableRng(0);
  rng.setState(seed);
  return rng.next;
}

export function fixtureSpec(name: string, budget: number, epochs: number): SweepSpec {
  const r = parseSweepSpec({
    name,
    method: "random",
    budget,
    epochs,
    parallelism: 8,
    dataset: { name: "sp500", target: "close" },
    pruner: { kind: "median" },
    space: {
      variant: ["single", "multi", "stacked", "bidirectional", "attention", "encoder-decoder"],
      hidden_size: { type: "int", low: 16, high: 256, log: true },
      num_layers: { type: "int", low: 1, high: 3 },
      dropout: { type: "float", low: 0, high: 0.5 },
      learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true },
      batch_size: [16, 32, 64, 128],
      seq_len: { type: "int", low: 5, high: 120 },
    },
  });
  if (!r.ok) throw new Error(`fixture spec is invalid: ${JSON.stringify(r.issues)}`);
  return r.value;
}

const VARIANT_PENALTY: Record<string, number> = { single: 0.006, multi: 0, stacked: 0.002, bidirectional: 0.001, attention: 0.003, "encoder-decoder": 0.008 };
const NAIVE_MAE = 14.2;

/** Samples one configuration and its synthetic final validation loss. */
export function fixtureTrial(rand: () => number): { params: ParamAssignment; loss: number } {
  const variants = Object.keys(VARIANT_PENALTY);
  const variant = variants[Math.floor(rand() * variants.length)] ?? "multi";
  const hidden = Math.round(Math.exp(Math.log(16) + rand() * (Math.log(256) - Math.log(16))));
  const layers = 1 + Math.floor(rand() * 3);
  const dropout = rand() * 0.5;
  const lr = Math.exp(Math.log(1e-4) + rand() * (Math.log(1e-1) - Math.log(1e-4)));
  const batch = [16, 32, 64, 128][Math.floor(rand() * 4)] ?? 32;
  const seqLen = 5 + Math.floor(rand() * 116);
  const noise = (rand() + rand() + rand() - 1.5) * 0.004;
  const loss =
    0.018 +
    0.012 * (Math.log10(lr) + 2.7) ** 2 +
    0.0015 * (Math.log2(hidden) - 6.5) ** 2 +
    (VARIANT_PENALTY[variant] ?? 0) +
    0.006 * ((seqLen - 45) / 75) ** 2 +
    0.004 * Math.abs(dropout - 0.2) +
    0.001 * (layers === 3 ? 1 : 0) +
    0.0005 * Math.log2(batch / 32) +
    noise;
  return {
    params: { variant, hidden_size: hidden, num_layers: layers, dropout, learning_rate: lr, batch_size: batch, seq_len: seqLen },
    loss: Math.max(0.012, loss),
  };
}

/** Losses at `epoch` of a trial whose final validation loss is `loss`: decaying to it at the last epoch. */
export function fixtureCurve(loss: number, epoch: number, epochs: number): { trainLoss: number; valLoss: number } {
  const frac = epochs > 1 ? (epochs - epoch) / (epochs - 1) : 0;
  const valLoss = loss * (1 + 1.5 * frac ** 2 + 0.04 * Math.sin(epoch * 7 + loss * 1000) * frac);
  return { valLoss, trainLoss: valLoss * (0.78 + 0.1 * frac) };
}

export function fixtureMetrics(loss: number, epochs: number, workerId: string, durationMs: number): TrialMetrics {
  const valMae = NAIVE_MAE * (0.93 + (loss - 0.018) * 7);
  return {
    valLoss: loss,
    valMae,
    valRmse: valMae * 1.32,
    naiveMae: NAIVE_MAE,
    meanMae: 212.5,
    maeRatio: valMae / NAIVE_MAE,
    trainLoss: loss * 0.8,
    bestEpoch: epochs,
    epochs,
    durationMs,
    backend: "tensorflow",
    workerId,
  };
}

/**
 * Writes a sweep of `trials` trials through `store`, as workers would, and returns its record.
 * Times are spread over the past (about 1.5 s of wall time per trial and worker).
 */
export async function createFixtureSweep(store: SweepStore, opts: FixtureOptions = {}): Promise<SweepRecord> {
  const total = opts.trials ?? 10_000;
  const epochs = opts.epochs ?? 5;
  const running = Math.min(total, opts.running ?? 8);
  const waiting = Math.min(total - running, opts.waiting ?? 8);
  const finished = total - running - waiting;
  const prunedShare = opts.prunedShare ?? 0.1;
  const failedShare = opts.failedShare ?? 0.03;
  const seed = opts.seed ?? 1;
  const concurrency = opts.concurrency ?? 200;
  const id = opts.id ?? `fixture-${total}`;
  const curves = opts.curves ?? "all";
  const nWorkers = Math.max(1, opts.workers ?? 4);
  const rand = seededRandom(seed);
  const trialMs = 1500;
  const t0 = Date.now() - Math.ceil(total / 8) * trialMs;
  const spec = fixtureSpec(id, total, epochs);
  await store.createSweep(spec, { id, budget: total, now: t0 });
  const workerIds = Array.from({ length: nWorkers }, (_, i) => `fixture-w${i + 1}`);

  const one = async (n: number): Promise<void> => {
    const { params, loss } = fixtureTrial(rand);
    const kind = n >= finished + running ? "waiting" : n >= finished ? "running" : rand() < failedShare ? "failed" : rand() < prunedShare ? "pruned" : "complete";
    const start = t0 + Math.floor(n / 8) * trialMs;
    await store.createTrial(id, n, params, deriveTrialSeed(seed, n), start);
    if (kind === "waiting") return;
    const workerId = workerIds[n % workerIds.length] ?? "fixture-w1";
    const token = `${id}#${n}/1/${workerId}`;
    const claim = await store.claimTrial(id, n, { workerId, token }, start);
    if (!claim.ok) throw new Error(`fixture: claim of trial ${n} refused (${claim.reason})`);
    const withCurve = curves === "all" || n % 10 === 0 || loss < 0.024;
    const upTo = kind === "complete" ? (withCurve ? epochs : 0) : kind === "failed" ? 1 : Math.min(2, epochs);
    const epochMs = trialMs / epochs;
    for (let e = 1; e <= upTo; e++) {
      const c = fixtureCurve(loss, e, epochs);
      await store.reportEpoch(id, n, token, { epoch: e, trainLoss: c.trainLoss, valLoss: c.valLoss, learningRate: Number(params.learning_rate), durationMs: epochMs }, start + e * epochMs);
    }
    const end = start + trialMs;
    if (kind === "complete") await store.completeTrial(id, n, token, fixtureMetrics(loss, epochs, workerId, trialMs), end);
    else if (kind === "pruned") await store.pruneTrial(id, n, token, "median pruner: worse than the median at epoch 2", end);
    else if (kind === "failed") await store.failTrial(id, n, token, "training diverged: val loss is NaN at epoch 2", end);
  };

  for (let from = 0; from < total; from += concurrency) {
    const chunk: Promise<void>[] = [];
    for (let n = from; n < Math.min(total, from + concurrency); n++) chunk.push(one(n));
    await Promise.all(chunk);
    opts.onProgress?.(Math.min(total, from + concurrency), total);
  }
  const now = Date.now();
  for (const w of workerIds) {
    await store.announceWorker({ id: w, host: "fixture", pid: 0, backend: "tensorflow", concurrency: 1, startedAt: t0, seenAt: now, current: [] });
  }
  const s = await store.getSweep(id);
  if (!s) throw new Error(`fixture: sweep "${id}" vanished`);
  return s;
}

/**
 * The training loop: seeded mini-batch training with MSE, optimizer + schedule + clipping, a
 * validation pass per epoch, early stopping that restores the best weights, divergence detection
 * and an epoch callback (where the worker reports progress and the pruner hooks in).
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Scalar, Tensor, Tensor2D, Tensor3D } from "@tensorflow/tfjs-core";
import type { EpochReport, Hyperparams } from "@hyperq/protocol";
import { buildModel } from "./models.ts";
import type { SequenceModel, WeightSnapshot } from "./models.ts";
import type { InitScheme } from "./init.ts";
import { clipByGlobalNorm, createOptimizer, learningRateAt } from "./optim.ts";
import { createResumableRng, deriveSeed, shuffleInPlace } from "@hyperq/protocol";
import type { TrainState } from "./train-state.ts";

/** Materialised windows, row-major. */
export interface WindowSet {
  /** Number of windows. */
  n: number;
  /** n × seqLen × features (scaled). */
  x: Float32Array;
  /** n × horizon (scaled targets). */
  y: Float32Array;
}

export interface TrainingData {
  seqLen: number;
  features: number;
  horizon: number;
  train: WindowSet;
  val: WindowSet;
}

export type EpochDecision = "continue" | "stop";

export interface TrainOptions {
  /** From @hyperq/protocol; `hyperparams.seq_len` must equal `data.seqLen`. */
  hyperparams: Hyperparams;
  /** Maximum epochs. */
  epochs: number;
  /** Early stopping on validation loss after this many epochs without improvement; 0 = off. Restores the best weights. */
  patience: number;
  /** 32-bit trial seed: initial weights, shuffling and dropout masks derive from it (same seed → same result). */
  seed: number;
  data: TrainingData;
  /** Called after every epoch; return "stop" to end training now (pruned/cancelled) — may be async. */
  onEpoch?: (report: EpochReport) => EpochDecision | Promise<EpochDecision>;
  /** Resume from a checkpointed state of a run with the same options (the epochs after it are trained). */
  resume?: TrainState;
  /**
   * Checkpoints the state after an epoch (not the last, nor one that ends training): every `every`
   * epochs, or with "auto" after every epoch that took longer than `autoMs`. `save` is awaited.
   */
  checkpoint?: { every: number | "auto"; autoMs?: number; save: (state: TrainState) => Promise<void> };
  /**
   * Windows never used for training or selection (e.g. the held-out test part): predicted with the
   * kept weights after training, into `TrainOutcome.predictions`.
   */
  predict?: WindowSet;
  /** How initial weights are drawn (see init.ts). @defaultValue "pytorch" */
  init?: InitScheme;
}

export interface TrainOutcome {
  /** complete: ran all epochs or stopped early; stopped: onEpoch said stop; diverged: NaN/Inf loss. */
  status: "complete" | "stopped" | "diverged";
  /** Epochs trained. */
  epochs: number;
  /** 1-based epoch of the kept weights (0 if none). */
  bestEpoch: number;
  /** MSE on the validation windows in scaled units (the objective); NaN when no epoch finished cleanly. */
  bestValLoss: number;
  /** Last epoch's train loss. */
  trainLoss: number;
  /** n_val × horizon, scaled, from the kept (best) weights. */
  valPredictions: Float32Array;
  /** n × horizon, scaled: predictions for `TrainOptions.predict` from the kept weights. */
  predictions?: Float32Array;
  /** The kept (best-epoch) weights, when an epoch finished cleanly: what a stored model holds. */
  bestWeights?: WeightSnapshot[];
  /** Why training ended early, e.g. "diverged: loss became NaN at epoch 3". */
  reason?: string;
}

/** Windows per forward pass when evaluating (bounds memory on large validation sets). */
const EVAL_BATCH = 512;

function checkData(opts: TrainOptions): void {
  const { data, hyperparams: hp } = opts;
  const problems: string[] = [];
  if (hp.seq_len !== data.seqLen) problems.push(`hyperparams.seq_len (${hp.seq_len}) must equal data.seqLen (${data.seqLen})`);
  for (const [name, set] of [["train", data.train], ["val", data.val]] as const) {
    if (set.x.length !== set.n * data.seqLen * data.features) {
      problems.push(`${name}.x must hold n × seqLen × features = ${set.n * data.seqLen * data.features} values, but has ${set.x.length}`);
    }
    if (set.y.length !== set.n * data.horizon) problems.push(`${name}.y must hold n × horizon = ${set.n * data.horizon} values, but has ${set.y.length}`);
  }
  if (data.train.n < 1) problems.push("train must hold at least one window");
  if (data.val.n < 1) problems.push("val must hold at least one window");
  if (!(hp.batch_size >= 1)) problems.push(`batch_size must be >= 1, but got ${hp.batch_size}`);
  if (problems.length > 0) throw new Error(`trainModel: ${problems.join("; ")}`);
}

/** Gathers rows `idx[from..to)` of a row-major set into one batch. */
function gather(src: Float32Array, rowSize: number, idx: Uint32Array, from: number, to: number): Float32Array {
  const out = new Float32Array((to - from) * rowSize);
  for (let r = from; r < to; r++) {
    const s = (idx[r] as number) * rowSize;
    out.set(src.subarray(s, s + rowSize), (r - from) * rowSize);
  }
  return out;
}

/** Predictions for every window of `set` (eval mode), and their MSE against `set.y`. */
export function evaluate(model: SequenceModel, set: WindowSet, seqLen: number, features: number, horizon: number): { loss: number; predictions: Float32Array } {
  const predictions = new Float32Array(set.n * horizon);
  const row = seqLen * features;
  for (let from = 0; from < set.n; from += EVAL_BATCH) {
    const to = Math.min(set.n, from + EVAL_BATCH);
    const values = tf.tidy(() => {
      const x = tf.tensor3d(set.x.subarray(from * row, to * row), [to - from, seqLen, features]);
      return model.apply(x, { training: false }).dataSync();
    });
    predictions.set(values, from * horizon);
  }
  let sse = 0;
  for (let i = 0; i < predictions.length; i++) {
    const d = (predictions[i] as number) - (set.y[i] as number);
    sse += d * d;
  }
  return { loss: sse / predictions.length, predictions };
}

/**
 * Trains one trial's model and returns its outcome; never throws for a diverging model (status
 * "diverged"), only for invalid input. Every tensor it creates is disposed before it returns.
 *
 * ```ts
 * await initBackend();
 * const outcome = await trainModel({ hyperparams, epochs: 30, patience: 5, seed, data,
 *   onEpoch: (r) => (r.valLoss > 10 ? "stop" : "continue") });
 * ```
 */
export async function trainModel(opts: TrainOptions): Promise<TrainOutcome> {
  checkData(opts);
  const { data, hyperparams: hp } = opts;
  const { seqLen, features, horizon } = data;
  const model = buildModel(
    {
      variant: hp.variant,
      inputSize: features,
      hiddenSize: hp.hidden_size,
      numLayers: hp.num_layers,
      dropout: hp.dropout,
      horizon,
      bidirectionalHead: hp.bidirectional_head,
      init: opts.init ?? "pytorch",
    },
    deriveSeed(opts.seed, "weights"),
  );
  const optimizer = createOptimizer({ name: hp.optimizer, momentum: hp.momentum, weightDecay: hp.weight_decay });
  const shuffleRng = createResumableRng(deriveSeed(opts.seed, "shuffle"));
  const dropoutRng = createResumableRng(deriveSeed(opts.seed, "dropout"));
  const order = new Uint32Array(data.train.n).map((_, i) => i);
  const rowX = seqLen * features;

  let best: { epoch: number; loss: number; weights: WeightSnapshot[]; predictions: Float32Array } | undefined;
  let extra: Float32Array | undefined;
  let epochsDone = 0;
  let trainLoss = Number.NaN;
  let status: TrainOutcome["status"] = "complete";
  let reason: string | undefined;
  let sinceBest = 0;
  const reports: EpochReport[] = [];
  let firstEpoch = 1;
  if (opts.resume) {
    const r = opts.resume;
    model.setWeights(r.weights);
    optimizer.setState(r.optimizer, model.variables);
    shuffleRng.setState(r.shuffleRng);
    dropoutRng.setState(r.dropoutRng);
    if (r.order.length !== order.length) throw new Error(`trainModel: the checkpoint has ${r.order.length} training windows, but the data has ${order.length}`);
    order.set(r.order);
    if (r.best) best = { epoch: r.best.epoch, loss: r.best.loss, weights: r.best.weights, predictions: r.best.predictions };
    sinceBest = r.sinceBest;
    trainLoss = r.trainLoss;
    epochsDone = r.epoch;
    reports.push(...r.reports);
    firstEpoch = r.epoch + 1;
  }

  try {
    for (let epoch = firstEpoch; epoch <= opts.epochs; epoch++) {
      const started = performance.now();
      const lr = learningRateAt(hp, epoch - 1);
      shuffleInPlace(order, shuffleRng);
      let sse = 0;
      let diverged = false;
      for (let from = 0; from < data.train.n && !diverged; from += hp.batch_size) {
        const to = Math.min(data.train.n, from + hp.batch_size);
        const batchLoss = tf.tidy(() => {
          const x = tf.tensor3d(gather(data.train.x, rowX, order, from, to), [to - from, seqLen, features]) as Tensor3D;
          const y = tf.tensor2d(gather(data.train.y, horizon, order, from, to), [to - from, horizon]) as Tensor2D;
          const { value, grads } = tf.variableGrads(
            () => tf.mean(tf.square(tf.sub(model.apply(x, { training: true, rng: dropoutRng }), y))) as Scalar,
            model.variables as tf.Variable[],
          );
          const loss = value.dataSync()[0] as number;
          if (!Number.isFinite(loss)) return loss;
          const ordered = model.variables.map((v) => grads[v.name] as Tensor);
          optimizer.step(model.variables, hp.clip_norm > 0 ? clipByGlobalNorm(ordered, hp.clip_norm).grads : ordered, lr);
          return loss;
        });
        if (!Number.isFinite(batchLoss)) {
          diverged = true;
          reason = `diverged: loss became ${batchLoss} at epoch ${epoch}`;
        }
        sse += batchLoss * (to - from);
      }
      epochsDone = epoch;
      if (diverged) {
        status = "diverged";
        break;
      }
      trainLoss = sse / data.train.n;
      const val = evaluate(model, data.val, seqLen, features, horizon);
      if (!Number.isFinite(val.loss)) {
        status = "diverged";
        reason = `diverged: validation loss became ${val.loss} at epoch ${epoch}`;
        break;
      }
      if (best === undefined || val.loss < best.loss) {
        best = { epoch, loss: val.loss, weights: model.getWeights(), predictions: val.predictions };
        sinceBest = 0;
      } else {
        sinceBest += 1;
      }
      const report: EpochReport = { epoch, trainLoss, valLoss: val.loss, learningRate: lr, durationMs: performance.now() - started, samples: data.train.n };
      reports.push(report);
      const decision = await opts.onEpoch?.(report);
      if (decision === "stop") {
        status = "stopped";
        reason = `stopped by the epoch callback after epoch ${epoch}`;
        break;
      }
      if (opts.patience > 0 && sinceBest >= opts.patience) {
        reason = `early stopping: no improvement in validation loss for ${opts.patience} epochs (best at epoch ${best.epoch})`;
        break;
      }
      const cp = opts.checkpoint;
      if (cp && epoch < opts.epochs && (cp.every === "auto" ? report.durationMs > (cp.autoMs ?? 10_000) : cp.every > 0 && epoch % cp.every === 0)) {
        await cp.save({
          epoch,
          weights: model.getWeights(),
          optimizer: optimizer.getState(),
          shuffleRng: shuffleRng.getState(),
          dropoutRng: dropoutRng.getState(),
          order: order.slice(),
          best,
          sinceBest,
          trainLoss,
          reports: reports.slice(),
        });
      }
    }
    if (best !== undefined) {
      model.setWeights(best.weights);
      if (opts.predict) extra = evaluate(model, opts.predict, seqLen, features, horizon).predictions;
    }
  } finally {
    optimizer.dispose();
    model.dispose();
  }

  const outcome: TrainOutcome = {
    status,
    epochs: epochsDone,
    bestEpoch: best?.epoch ?? 0,
    bestValLoss: best?.loss ?? Number.NaN,
    trainLoss,
    valPredictions: best?.predictions ?? new Float32Array(data.val.n * horizon).fill(Number.NaN),
  };
  if (reason !== undefined) outcome.reason = reason;
  if (extra !== undefined) outcome.predictions = extra;
  if (best !== undefined) outcome.bestWeights = best.weights;
  return outcome;
}

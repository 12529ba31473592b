import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { DEFAULT_HYPERPARAMS, MODEL_VARIANTS } from "@hyperq/protocol";
import type { EpochReport, Hyperparams } from "@hyperq/protocol";
import { initBackend } from "./engine/backend.ts";
import { learningRateAt } from "./optim.ts";
import { trainModel } from "./train.ts";
import type { TrainingData, TrainOptions } from "./train.ts";
import { createResumableRng } from "@hyperq/protocol";

function data(n: number, nVal: number, seqLen = 5, features = 2, horizon = 2, seed = 1): TrainingData {
  const rng = createResumableRng(seed);
  const set = (k: number) => {
    const x = Float32Array.from({ length: k * seqLen * features }, () => rng.next() * 2 - 1);
    const y = new Float32Array(k * horizon);
    for (let i = 0; i < k; i++) for (let h = 0; h < horizon; h++) y[i * horizon + h] = 0.5 * (x[(i * seqLen + seqLen - 1) * features] as number) + 0.1 * h;
    return { n: k, x, y };
  };
  return { seqLen, features, horizon, train: set(n), val: set(nVal) };
}

const tiny: Hyperparams = { ...DEFAULT_HYPERPARAMS, hidden_size: 6, num_layers: 1, batch_size: 8, seq_len: 5, learning_rate: 0.01 };

function options(extra: Partial<TrainOptions> = {}): TrainOptions {
  return { hyperparams: tiny, epochs: 4, patience: 0, seed: 7, data: data(24, 8), ...extra };
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("trainModel", () => {
  it("reports every epoch and returns predictions from the best epoch", async () => {
    const reports: EpochReport[] = [];
    const outcome = await trainModel(options({ onEpoch: (r) => (reports.push(r), "continue") }));
    expect(outcome.status).toBe("complete");
    expect(outcome.epochs).toBe(4);
    expect(reports.map((r) => r.epoch)).toEqual([1, 2, 3, 4]);
    const best = reports.reduce((a, b) => (b.valLoss < a.valLoss ? b : a));
    expect(outcome.bestEpoch).toBe(best.epoch);
    expect(outcome.bestValLoss).toBe(best.valLoss);
    expect(outcome.trainLoss).toBe(reports[3]?.trainLoss);
    expect(outcome.valPredictions.length).toBe(8 * 2);
    // The kept predictions reproduce the kept validation loss.
    const y = options().data.val.y;
    let sse = 0;
    outcome.valPredictions.forEach((p, i) => (sse += (p - (y[i] as number)) ** 2));
    expect(sse / y.length).toBeCloseTo(outcome.bestValLoss, 6);
  });

  it("is deterministic for a seed and differs across seeds (dropout and shuffling included)", async () => {
    const hp = { ...tiny, num_layers: 2, dropout: 0.3 };
    const a = await trainModel(options({ hyperparams: hp }));
    const b = await trainModel(options({ hyperparams: hp }));
    const c = await trainModel(options({ hyperparams: hp, seed: 8 }));
    expect(b.valPredictions).toEqual(a.valPredictions);
    expect(b.trainLoss).toBe(a.trainLoss);
    expect(c.trainLoss).not.toBe(a.trainLoss);
  });

  it("stops when the epoch callback says so (async too)", async () => {
    const outcome = await trainModel(options({ epochs: 10, onEpoch: async (r) => (r.epoch === 2 ? "stop" : "continue") }));
    expect(outcome.status).toBe("stopped");
    expect(outcome.epochs).toBe(2);
  });

  it("stops early after `patience` epochs without improvement and keeps the best epoch", async () => {
    // A learning rate this large makes the validation loss wander; patience 1 stops soon after the best.
    const reports: EpochReport[] = [];
    const outcome = await trainModel(
      options({ hyperparams: { ...tiny, optimizer: "sgd", learning_rate: 0.5, momentum: 0.9 }, epochs: 30, patience: 1, onEpoch: (r) => (reports.push(r), "continue") }),
    );
    expect(outcome.status).toBe("complete");
    expect(outcome.epochs).toBeLessThan(30);
    expect(outcome.epochs).toBe(outcome.bestEpoch + 1);
    expect(outcome.bestValLoss).toBe(Math.min(...reports.map((r) => r.valLoss)));
    expect(outcome.reason).toMatch(/early stopping/);
  });

  it("ends a diverging trial with status diverged, never a throw", async () => {
    const outcome = await trainModel(options({ hyperparams: { ...tiny, optimizer: "sgd", learning_rate: 1e6, momentum: 0 }, epochs: 5 }));
    expect(outcome.status).toBe("diverged");
    expect(outcome.reason).toMatch(/^diverged: .* at epoch \d/);
  });

  it.each(["adam", "sgd", "rmsprop"] as const)("%s with clipping, weight decay and a schedule reduces the loss", async (optimizer) => {
    const reports: EpochReport[] = [];
    const lr = { adam: 0.01, sgd: 0.05, rmsprop: 0.005 }[optimizer];
    await trainModel(
      options({
        hyperparams: { ...tiny, optimizer, learning_rate: lr, clip_norm: 1, weight_decay: 1e-4, schedule: "step", step_size: 3, gamma: 0.5 },
        epochs: 6,
        onEpoch: (r) => (reports.push(r), "continue"),
      }),
    );
    expect(reports.map((r) => r.learningRate)).toEqual([lr, lr, lr, lr / 2, lr / 2, lr / 2]);
    expect((reports[5] as EpochReport).trainLoss).toBeLessThan((reports[0] as EpochReport).trainLoss);
  });

  it("rejects inconsistent data with a message naming the rule", async () => {
    await expect(trainModel(options({ hyperparams: { ...tiny, seq_len: 9 } }))).rejects.toThrow(/seq_len \(9\) must equal data.seqLen \(5\)/);
  });

  it("keeps tensor memory flat across 100 trials in one process", async () => {
    const d = data(8, 4);
    const run = (i: number) =>
      trainModel({
        hyperparams: { ...tiny, variant: MODEL_VARIANTS[i % MODEL_VARIANTS.length] ?? "multi", num_layers: 2, clip_norm: i % 2, dropout: 0.2 },
        epochs: 1,
        patience: 0,
        seed: i,
        data: d,
      });
    for (let i = 0; i < 6; i++) await run(i); // warm-up: one-time allocations
    const before = tf.memory();
    for (let i = 0; i < 100; i++) await run(i);
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    expect(after.numDataBuffers).toBe(before.numDataBuffers);
  });
});

describe("learningRateAt", () => {
  const hp = { learning_rate: 0.1, step_size: 10, gamma: 0.1, t_max: 50 };
  it("constant", () => expect(learningRateAt({ ...hp, schedule: "constant" }, 37)).toBe(0.1));
  it("step (StepLR)", () => {
    expect(learningRateAt({ ...hp, schedule: "step" }, 9)).toBeCloseTo(0.1);
    expect(learningRateAt({ ...hp, schedule: "step" }, 10)).toBeCloseTo(0.01);
    expect(learningRateAt({ ...hp, schedule: "step" }, 25)).toBeCloseTo(0.001);
  });
  it("cosine (CosineAnnealingLR, eta_min 0)", () => {
    expect(learningRateAt({ ...hp, schedule: "cosine" }, 0)).toBeCloseTo(0.1);
    expect(learningRateAt({ ...hp, schedule: "cosine" }, 25)).toBeCloseTo(0.05);
    expect(learningRateAt({ ...hp, schedule: "cosine" }, 50)).toBeCloseTo(0);
  });
});

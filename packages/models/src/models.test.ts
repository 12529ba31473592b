import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor3D } from "@tensorflow/tfjs-core";
import { DEFAULT_HYPERPARAMS, MODEL_VARIANTS } from "@hyperq/protocol";
import type { ModelVariant } from "@hyperq/protocol";
import { initBackend } from "./engine/backend.ts";
import { buildModel, expectedParamCount, lstmParamCount } from "./models.ts";
import type { ModelConfig } from "./models.ts";
import { trainModel } from "./train.ts";
import type { TrainingData } from "./train.ts";
import { createResumableRng } from "@hyperq/protocol";

const base = { inputSize: 3, hiddenSize: 5, numLayers: 2, dropout: 0.2, horizon: 4 };

function config(variant: ModelVariant, extra: Partial<ModelConfig> = {}): ModelConfig {
  return { variant, ...base, ...extra };
}

function randomX(batch: number, seqLen: number, features: number, seed: number): Tensor3D {
  const rng = createResumableRng(seed);
  return tf.tensor3d(Float32Array.from({ length: batch * seqLen * features }, () => rng.next() * 2 - 1), [batch, seqLen, features]);
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("buildModel", () => {
  it.each(MODEL_VARIANTS)("%s maps (batch, seq_len, features) to (batch, horizon)", (variant) => {
    const model = buildModel(config(variant), 1);
    tf.tidy(() => {
      const x = randomX(7, 6, 3, 2);
      expect(model.apply(x).shape).toEqual([7, 4]);
      expect(model.apply(x, { training: true, rng: createResumableRng(3) }).shape).toEqual([7, 4]);
    });
    model.dispose();
  });

  it.each(MODEL_VARIANTS)("%s has the closed-form parameter count", (variant) => {
    for (const numLayers of [1, 3]) {
      const model = buildModel(config(variant, { numLayers }), 1);
      expect(model.countParams()).toBe(expectedParamCount(config(variant, { numLayers })));
      model.dispose();
    }
  });

  it("parameter counts equal PyTorch's minus its redundant second bias (4H per LSTM)", () => {
    // The seed's example: input 10, hidden 64, 2 layers, output 1.
    const F = 10;
    const H = 64;
    const torchLstm = (i: number) => 4 * H * (i + H) + 8 * H;
    expect(lstmParamCount(F, H)).toBe(torchLstm(F) - 4 * H);
    const multi = { variant: "multi" as const, inputSize: F, hiddenSize: H, numLayers: 2, dropout: 0.2, horizon: 1 };
    expect(expectedParamCount(multi)).toBe(torchLstm(F) + torchLstm(H) + H + 1 - 2 * 4 * H); // 52 801 in PyTorch
    expect(expectedParamCount(multi)).toBe(52_289);
    expect(expectedParamCount({ ...multi, variant: "bidirectional" })).toBe(
      2 * (torchLstm(F) - 4 * H) + 2 * (torchLstm(2 * H) - 4 * H) + 2 * H + 1,
    );
  });

  it("the same seed gives the same initial weights; another seed does not", () => {
    const a = buildModel(config("multi"), 42);
    const b = buildModel(config("multi"), 42);
    const c = buildModel(config("multi"), 43);
    const wa = a.getWeights();
    expect(b.getWeights()).toEqual(wa);
    expect(c.getWeights()[0]?.values).not.toEqual(wa[0]?.values);
    [a, b, c].forEach((m) => m.dispose());
  });

  it.each(MODEL_VARIANTS)("%s weights survive a save/load round trip", (variant) => {
    const a = buildModel(config(variant), 1);
    const b = buildModel(config(variant), 2);
    const saved = JSON.parse(JSON.stringify(a.getWeights().map((w) => ({ ...w, values: Array.from(w.values) })))) as Array<{
      name: string;
      shape: number[];
      values: number[];
    }>;
    b.setWeights(saved.map((w) => ({ ...w, values: Float32Array.from(w.values) })));
    tf.tidy(() => {
      const x = randomX(2, 5, 3, 9);
      expect(b.apply(x).dataSync()).toEqual(a.apply(x).dataSync());
    });
    expect(() => b.setWeights(saved.slice(1).map((w) => ({ ...w, values: Float32Array.from(w.values) })))).toThrow(/expected/);
    a.dispose();
    b.dispose();
  });

  it("bidirectional heads differ: final states vs the seed's last step", () => {
    const a = buildModel(config("bidirectional", { bidirectionalHead: "final-states" }), 5);
    const b = buildModel(config("bidirectional", { bidirectionalHead: "last-step" }), 5);
    tf.tidy(() => {
      const x = randomX(2, 6, 3, 1);
      expect(a.apply(x).dataSync()).not.toEqual(b.apply(x).dataSync());
    });
    a.dispose();
    b.dispose();
  });

  it("dropout is off in eval mode (deterministic) and on in training mode", () => {
    const m = buildModel(config("multi", { dropout: 0.5 }), 5);
    tf.tidy(() => {
      const x = randomX(4, 6, 3, 1);
      expect(m.apply(x).dataSync()).toEqual(m.apply(x).dataSync());
      expect(m.apply(x, { training: true, rng: createResumableRng(1) }).dataSync()).not.toEqual(m.apply(x).dataSync());
    });
    m.dispose();
  });
});

/** A learnable toy problem: the next values of a noisy sine-like mix of the features. */
function toyData(n: number, seqLen: number, features: number, horizon: number): TrainingData {
  const rng = createResumableRng(11);
  const x = new Float32Array(n * seqLen * features);
  const y = new Float32Array(n * horizon);
  for (let i = 0; i < n; i++) {
    const phase = rng.next() * 6;
    for (let t = 0; t < seqLen; t++) for (let f = 0; f < features; f++) x[(i * seqLen + t) * features + f] = Math.sin(phase + 0.5 * t + f);
    for (let h = 0; h < horizon; h++) y[i * horizon + h] = Math.sin(phase + 0.5 * (seqLen + h));
  }
  const set = { n, x, y };
  return { seqLen, features, horizon, train: set, val: set };
}

describe("every variant can overfit a tiny problem", () => {
  it.each(MODEL_VARIANTS)("%s", async (variant) => {
    const data = toyData(16, 6, 2, 2);
    const losses: number[] = [];
    const outcome = await trainModel({
      hyperparams: { ...DEFAULT_HYPERPARAMS, variant, hidden_size: 12, num_layers: 2, dropout: 0, learning_rate: 0.02, batch_size: 8, seq_len: 6 },
      epochs: 40,
      patience: 0,
      seed: 3,
      data,
      onEpoch: (r) => {
        losses.push(r.trainLoss);
        return "continue";
      },
    });
    expect(outcome.status).toBe("complete");
    expect(outcome.bestValLoss).toBeLessThan(0.1 * (losses[0] as number));
  });
});

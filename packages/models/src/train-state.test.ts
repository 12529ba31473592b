import { beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_HYPERPARAMS, type EpochReport, type Hyperparams } from "@hyperq/protocol";
import { initBackend } from "./engine/backend.ts";
import { createResumableRng } from "@hyperq/protocol";
import { trainModel, type TrainingData } from "./train.ts";
import { decodeTrainState, encodeTrainState, type TrainState } from "./train-state.ts";

function data(n: number, nVal: number, seqLen = 5, features = 2, seed = 3): TrainingData {
  const rng = createResumableRng(seed);
  const set = (k: number) => {
    const x = Float32Array.from({ length: k * seqLen * features }, () => rng.next() * 2 - 1);
    const y = Float32Array.from({ length: k }, (_, i) => 0.5 * (x[(i * seqLen + seqLen - 1) * features] as number));
    return { n: k, x, y };
  };
  return { seqLen, features, horizon: 1, train: set(n), val: set(nVal) };
}

beforeAll(async () => {
  await initBackend("wasm");
});

describe("training checkpoints", () => {
  for (const optimizer of ["adam", "sgd", "rmsprop"] as const) {
    it(`a run resumed from a checkpoint ends exactly as the uninterrupted run (${optimizer}, dropout, shuffling)`, async () => {
      const hp: Hyperparams = { ...DEFAULT_HYPERPARAMS, variant: "multi", hidden_size: 6, num_layers: 2, dropout: 0.3, batch_size: 8, seq_len: 5, learning_rate: 0.01, optimizer, momentum: 0.9 };
      const base = { hyperparams: hp, epochs: 5, patience: 0, seed: 11, data: data(40, 10) };
      const saved: Uint8Array[] = [];
      const full = await trainModel({ ...base, checkpoint: { every: 2, save: async (s) => void saved.push(encodeTrainState(s)) } });
      expect(saved).toHaveLength(2); // after epochs 2 and 4, never after the last
      const state: TrainState = decodeTrainState(saved[0]!);
      expect(state.epoch).toBe(2);
      expect(state.reports.map((r) => r.epoch)).toEqual([1, 2]);
      const later: EpochReport[] = [];
      const resumed = await trainModel({ ...base, resume: state, onEpoch: (r) => (later.push(r), "continue") });
      expect(later.map((r) => r.epoch)).toEqual([3, 4, 5]);
      expect(resumed.epochs).toBe(5);
      expect(resumed.bestEpoch).toBe(full.bestEpoch);
      expect(resumed.bestValLoss).toBe(full.bestValLoss);
      expect(resumed.trainLoss).toBe(full.trainLoss);
      expect(Array.from(resumed.valPredictions)).toEqual(Array.from(full.valPredictions));
      expect(resumed.bestWeights!.map((w) => Array.from(w.values))).toEqual(full.bestWeights!.map((w) => Array.from(w.values)));
    });
  }

  it("checkpoints under 'auto' only after epochs slower than the threshold, and refuses a truncated blob", async () => {
    const hp: Hyperparams = { ...DEFAULT_HYPERPARAMS, hidden_size: 4, num_layers: 1, batch_size: 8, seq_len: 5 };
    const base = { hyperparams: hp, epochs: 3, patience: 0, seed: 1, data: data(16, 4) };
    const never: TrainState[] = [];
    await trainModel({ ...base, checkpoint: { every: "auto", save: async (s) => void never.push(s) } });
    expect(never).toEqual([]);
    const always: Uint8Array[] = [];
    await trainModel({ ...base, checkpoint: { every: "auto", autoMs: -1, save: async (s) => void always.push(encodeTrainState(s)) } });
    expect(always).toHaveLength(2);
    expect(() => decodeTrainState(always[0]!.subarray(0, always[0]!.length - 8))).toThrow(/truncated/);
  });
});

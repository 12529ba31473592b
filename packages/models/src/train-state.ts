/**
 * A training run's whole state at the end of an epoch — weights, optimizer state, random
 * generators, batch order, the best epoch so far — as one binary blob, so a retried attempt resumes
 * where a killed one checkpointed and ends with exactly the result of an uninterrupted run.
 */
import type { EpochReport } from "@hyperq/protocol";
import type { WeightSnapshot } from "./models.ts";
import type { OptimizerState } from "./optim.ts";

/** Version of the blob layout; a blob of another version is refused (the trial then starts over). */
export const TRAIN_STATE_VERSION = 1;

export interface TrainState {
  /** Epochs completed (1-based epoch of the checkpoint). */
  epoch: number;
  weights: WeightSnapshot[];
  optimizer: OptimizerState;
  /** `Rng.getState()` of the shuffling and dropout generators. */
  shuffleRng: number;
  dropoutRng: number;
  /** The training windows' order after the last shuffle (shuffles are applied in place). */
  order: Uint32Array;
  best?: { epoch: number; loss: number; weights: WeightSnapshot[]; predictions: Float32Array };
  sinceBest: number;
  trainLoss: number;
  /** Every epoch's report so far, to replay into a fresh attempt's history. */
  reports: EpochReport[];
}

type Section = { kind: "f32"; length: number } | { kind: "u32"; length: number } | null;

interface Header {
  version: number;
  epoch: number;
  weights: { name: string; shape: number[] }[];
  optimizerStep: number;
  /** Per slot kind, per variable: whether a slot exists. */
  slotShape: boolean[][];
  shuffleRng: number;
  dropoutRng: number;
  best?: { epoch: number; loss: number; weights: { name: string; shape: number[] }[] };
  sinceBest: number;
  trainLoss: number | null;
  reports: EpochReport[];
  sections: Section[];
}

/** Encodes a state: a uint32 header length, the JSON header, then every array's bytes (4-aligned). */
export function encodeTrainState(state: TrainState): Uint8Array {
  const arrays: (Float32Array | Uint32Array)[] = [];
  arrays.push(...state.weights.map((w) => w.values));
  const slotShape = state.optimizer.slots.map((row) => row.map((v) => v !== null));
  for (const row of state.optimizer.slots) for (const v of row) if (v !== null) arrays.push(v);
  arrays.push(state.order);
  if (state.best) arrays.push(...state.best.weights.map((w) => w.values), state.best.predictions);
  const header: Header = {
    version: TRAIN_STATE_VERSION,
    epoch: state.epoch,
    weights: state.weights.map((w) => ({ name: w.name, shape: w.shape })),
    optimizerStep: state.optimizer.step,
    slotShape,
    shuffleRng: state.shuffleRng,
    dropoutRng: state.dropoutRng,
    sinceBest: state.sinceBest,
    trainLoss: Number.isFinite(state.trainLoss) ? state.trainLoss : null,
    reports: state.reports,
    sections: arrays.map((a) => ({ kind: a instanceof Uint32Array ? "u32" : "f32", length: a.length })),
  };
  if (state.best) header.best = { epoch: state.best.epoch, loss: state.best.loss, weights: state.best.weights.map((w) => ({ name: w.name, shape: w.shape })) };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headLen = 4 + Math.ceil(json.length / 4) * 4;
  const total = headLen + arrays.reduce((n, a) => n + a.length * 4, 0);
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  view.setUint32(0, json.length, true);
  out.set(json, 4);
  let at = headLen;
  for (const a of arrays) {
    for (let i = 0; i < a.length; i++, at += 4) {
      if (a instanceof Uint32Array) view.setUint32(at, a[i] as number, true);
      else view.setFloat32(at, a[i] as number, true);
    }
  }
  return out;
}

/**
 * Decodes {@link encodeTrainState}'s blob.
 *
 * @throws Error when the blob is truncated or of another layout version.
 */
export function decodeTrainState(bytes: Uint8Array): TrainState {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (bytes.byteLength < 4) throw new Error("training checkpoint is truncated");
  const jsonLen = view.getUint32(0, true);
  if (4 + jsonLen > bytes.byteLength) throw new Error("training checkpoint is truncated");
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(4, 4 + jsonLen))) as Header;
  if (header.version !== TRAIN_STATE_VERSION) throw new Error(`training checkpoint version must be ${TRAIN_STATE_VERSION}, but is ${header.version}`);
  let at = 4 + Math.ceil(jsonLen / 4) * 4;
  let next = 0;
  const take = (): Float32Array | Uint32Array => {
    const s = header.sections[next++];
    if (!s) throw new Error("training checkpoint lists fewer arrays than it holds");
    if (at + s.length * 4 > bytes.byteLength) throw new Error("training checkpoint is truncated");
    const a = s.kind === "u32" ? new Uint32Array(s.length) : new Float32Array(s.length);
    for (let i = 0; i < s.length; i++, at += 4) a[i] = s.kind === "u32" ? view.getUint32(at, true) : view.getFloat32(at, true);
    return a;
  };
  const weights = header.weights.map((w) => ({ name: w.name, shape: w.shape, values: take() as Float32Array }));
  const slots = header.slotShape.map((row) => row.map((has) => (has ? (take() as Float32Array) : null)));
  const order = take() as Uint32Array;
  const state: TrainState = {
    epoch: header.epoch,
    weights,
    optimizer: { step: header.optimizerStep, slots },
    shuffleRng: header.shuffleRng,
    dropoutRng: header.dropoutRng,
    order,
    sinceBest: header.sinceBest,
    trainLoss: header.trainLoss ?? Number.NaN,
    reports: header.reports,
  };
  if (header.best) {
    const bw = header.best.weights.map((w) => ({ name: w.name, shape: w.shape, values: take() as Float32Array }));
    state.best = { epoch: header.best.epoch, loss: header.best.loss, weights: bw, predictions: take() as Float32Array };
  }
  return state;
}

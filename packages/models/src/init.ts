/**
 * Initial weights of the models (seeded). Two schemes:
 *
 * - `pytorch` (default): what `torch.nn.LSTM` and `torch.nn.Linear` draw. LSTM matrices
 *   U(±1/√H); PyTorch's two bias vectors b_ih and b_hh are each U(±1/√H) and only their sum acts,
 *   so our single bias is drawn as that sum (a triangular distribution on ±2/√H). Linear layers
 *   (kaiming-uniform with a = √5) give weights and bias U(±1/√fan_in).
 * - `unit-forget`: PyTorch's draws with 1 added to the forget gate's bias (Jozefowicz et al. 2015,
 *   Keras' `unitForgetBias`): the cell keeps its memory from the first step.
 * - `glorot`: glorot-uniform matrices, zero biases except the LSTM forget gate's (1, Keras'
 *   `unitForgetBias`), Linear bias zero.
 */
import type { Rng } from "@hyperq/protocol";

export const INIT_SCHEMES = ["pytorch", "unit-forget", "glorot"] as const;
/** How a model's initial weights are drawn. */
export type InitScheme = (typeof INIT_SCHEMES)[number];

/** Initial values of one LSTM layer (one direction), row-major like the model's variables. */
export interface LstmInit {
  /** (inputSize, 4H) */
  wih: Float32Array;
  /** (H, 4H) */
  whh: Float32Array;
  /** (4H), gate order i, f, g, o */
  b: Float32Array;
}

/** Initial values of one dense layer. */
export interface DenseInit {
  /** (inputSize, outputSize) */
  w: Float32Array;
  /** (outputSize) */
  b: Float32Array;
}

function uniform(rng: Rng, n: number, limit: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = (2 * rng.next() - 1) * limit;
  return out;
}

function glorot(rng: Rng, fanIn: number, fanOut: number): Float32Array {
  return uniform(rng, fanIn * fanOut, Math.sqrt(6 / (fanIn + fanOut)));
}

/** Draws an LSTM layer's initial weights (matrices first, then the bias, from one `rng`). */
export function initLstm(scheme: InitScheme, rng: Rng, inputSize: number, hidden: number): LstmInit {
  if (scheme === "glorot") {
    const b = new Float32Array(4 * hidden);
    b.fill(1, hidden, 2 * hidden);
    return { wih: glorot(rng, inputSize, 4 * hidden), whh: glorot(rng, hidden, 4 * hidden), b };
  }
  const k = 1 / Math.sqrt(hidden);
  const wih = uniform(rng, inputSize * 4 * hidden, k);
  const whh = uniform(rng, hidden * 4 * hidden, k);
  const bih = uniform(rng, 4 * hidden, k);
  const bhh = uniform(rng, 4 * hidden, k);
  const b = bih.map((v, i) => v + (bhh[i] as number));
  if (scheme === "unit-forget") for (let i = hidden; i < 2 * hidden; i++) b[i] = (b[i] as number) + 1;
  return { wih, whh, b };
}

/** Draws a dense layer's initial weights. */
export function initDense(scheme: InitScheme, rng: Rng, inputSize: number, outputSize: number): DenseInit {
  if (scheme === "glorot") return { w: glorot(rng, inputSize, outputSize), b: new Float32Array(outputSize) };
  const k = 1 / Math.sqrt(inputSize);
  return { w: uniform(rng, inputSize * outputSize, k), b: uniform(rng, outputSize, k) };
}

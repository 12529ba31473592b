/**
 * The six LSTM variants of the seed, as pure builders of small functional models (weights as tfjs
 * variables + a forward function). They are returned untrained and "uncompiled": the training loop
 * (train.ts) owns losses and optimizers.
 *
 * Every model maps x (batch, seq_len, features) to (batch, horizon) — `output_size = horizon`.
 * Inside, sequences are time-major (seq_len, batch, ·) and each LSTM layer (one direction) is one
 * fused op (engine/lstm-op.ts). Weights per LSTM layer: `w_ih` (in, 4H), `w_hh` (H, 4H) and one bias
 * `b` (4H), gate order i, f, g, o as in PyTorch, sigmoid gates. PyTorch keeps two redundant bias
 * vectors (b_ih + b_hh), so its parameter count is 4H per layer and direction higher than ours.
 *
 * Initialisation (seeded, init.ts): PyTorch's by default (U(±1/√H) for LSTM weights, the bias as
 * the sum of PyTorch's two U(±1/√H) bias vectors, U(±1/√fan_in) for Linear layers), or glorot-uniform
 * with a forget-gate bias of 1 (`init: "glorot"`).
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Tensor1D, Tensor2D, Tensor3D, Variable } from "@tensorflow/tfjs-core";
import type { BidirectionalHead, ModelVariant } from "@hyperq/protocol";
import { lstmSequence } from "./engine/lstm-op.ts";
import type { LstmResult } from "./engine/lstm-op.ts";
import { createResumableRng, type Rng } from "@hyperq/protocol";
import { initDense, initLstm } from "./init.ts";
import type { InitScheme } from "./init.ts";

/** What a model is built from (the architectural subset of `Hyperparams` plus the data's shape). */
export interface ModelConfig {
  variant: ModelVariant;
  /** Features per time step (the seed's `input_size`). */
  inputSize: number;
  /** LSTM hidden units H. */
  hiddenSize: number;
  /**
   * LSTM layers for `multi`, `stacked` and `bidirectional` (per direction). The seed defines `single`,
   * `encoder-decoder` and `attention` with one LSTM (one encoder and one decoder), so they ignore it.
   */
  numLayers: number;
  /**
   * Dropout rate: before the head (`single`, `multi`, `bidirectional`) and between LSTM layers
   * (`multi`, `bidirectional`, only with more than one layer). `stacked` uses the seed's fixed 0.2
   * between layers and none before the head; `encoder-decoder` and `attention` have no dropout in
   * the seed and ignore it.
   */
  dropout: number;
  /** Steps forecast (the seed's `output_size`). */
  horizon: number;
  /**
   * Bidirectional head input. `final-states` (default, recommended): forward h_T ⊕ backward final h
   * (after reading the whole window backwards). `last-step`: the seed's `lstm_out[:, -1, :]`, whose
   * backward half has seen only the last step.
   * @defaultValue "final-states"
   */
  bidirectionalHead?: BidirectionalHead;
  /**
   * How initial weights are drawn (see init.ts).
   * @defaultValue "pytorch"
   */
  init?: InitScheme;
}

/** A named weight as plain numbers: what `getWeights` returns and `setWeights` accepts (JSON-able). */
export interface WeightSnapshot {
  name: string;
  shape: number[];
  values: Float32Array;
}

export interface ApplyOptions {
  /** Training mode turns dropout on. @defaultValue false */
  training?: boolean;
  /** Source of dropout masks in training mode (required when dropout is active). */
  rng?: Rng;
}

/** A built model: its weights and its forward pass. */
export interface SequenceModel {
  readonly config: Readonly<ModelConfig>;
  /** Trainable weights in a stable order. */
  readonly variables: readonly Variable[];
  /** x (batch, seq_len, inputSize) → (batch, horizon). Call inside `tf.tidy`. */
  apply(x: Tensor3D, options?: ApplyOptions): Tensor2D;
  /** Total trainable parameters. */
  countParams(): number;
  getWeights(): WeightSnapshot[];
  /** Replaces every weight; names and shapes must match. */
  setWeights(weights: readonly WeightSnapshot[]): void;
  dispose(): void;
}

/** LSTM layer with input size I and hidden size H: W_ih (I·4H) + W_hh (H·4H) + one bias (4H). */
export function lstmParamCount(inputSize: number, hiddenSize: number): number {
  return 4 * hiddenSize * (inputSize + hiddenSize + 1);
}

function denseParamCount(inputSize: number, outputSize: number): number {
  return inputSize * outputSize + outputSize;
}

/** The closed-form parameter count of a configuration (what `countParams` must equal). */
export function expectedParamCount(config: ModelConfig): number {
  const { inputSize: F, hiddenSize: H, horizon: O } = config;
  const L = Math.max(1, config.numLayers);
  switch (config.variant) {
    case "single":
      return lstmParamCount(F, H) + denseParamCount(H, O);
    case "multi":
    case "stacked":
      return lstmParamCount(F, H) + (L - 1) * lstmParamCount(H, H) + denseParamCount(H, O);
    case "bidirectional":
      return 2 * lstmParamCount(F, H) + (L - 1) * 2 * lstmParamCount(2 * H, H) + denseParamCount(2 * H, O);
    case "encoder-decoder":
      return lstmParamCount(F, H) + lstmParamCount(H, H) + denseParamCount(H, 1);
    case "attention":
      return lstmParamCount(F, H) + denseParamCount(H, 1) + denseParamCount(H, O);
  }
}

interface LstmWeights {
  wih: Variable;
  whh: Variable;
  b: Variable;
}
interface DenseWeights {
  w: Variable;
  b: Variable;
}

class WeightFactory {
  readonly variables: Variable[] = [];
  readonly names: string[] = [];
  constructor(
    private readonly rng: Rng,
    private readonly scheme: InitScheme,
  ) {}

  private add(name: string, shape: number[], values: Float32Array): Variable {
    const init = tf.tensor(values, shape, "float32");
    const v = tf.variable(init, true, undefined, "float32");
    init.dispose(); // the variable holds its own reference to the data
    this.variables.push(v);
    this.names.push(name);
    return v;
  }

  lstm(name: string, inputSize: number, hidden: number): LstmWeights {
    const w = initLstm(this.scheme, this.rng, inputSize, hidden);
    return {
      wih: this.add(`${name}.w_ih`, [inputSize, 4 * hidden], w.wih),
      whh: this.add(`${name}.w_hh`, [hidden, 4 * hidden], w.whh),
      b: this.add(`${name}.b`, [4 * hidden], w.b),
    };
  }

  dense(name: string, inputSize: number, outputSize: number): DenseWeights {
    const w = initDense(this.scheme, this.rng, inputSize, outputSize);
    return {
      w: this.add(`${name}.w`, [inputSize, outputSize], w.w),
      b: this.add(`${name}.b`, [outputSize], w.b),
    };
  }
}

/** One LSTM layer over a time-major sequence (T, B, I), from the given or a zero state. */
function runLstm(w: LstmWeights, seq: Tensor3D, state?: { h0: Tensor2D; c0: Tensor2D }, reverse = false): LstmResult {
  const B = seq.shape[1];
  const H = w.whh.shape[0] as number;
  const zeros = state === undefined ? (tf.zeros([B, H]) as Tensor2D) : undefined;
  const h0 = state?.h0 ?? (zeros as Tensor2D);
  const c0 = state?.c0 ?? (zeros as Tensor2D);
  return lstmSequence(seq, w.wih as Tensor2D, w.b as Tensor1D, w.whh as Tensor2D, h0, c0, { reverse });
}

function dense(w: DenseWeights, x: Tensor2D): Tensor2D {
  return tf.fused.matMul({ a: x, b: w.w as Tensor2D, bias: w.b }) as Tensor2D;
}

/**
 * Inverted dropout: x · mask, mask = 1/(1−rate) where a uniform draw ≥ rate, else 0 (tf.dropout's
 * rule). The mask comes from a Mulberry32 stream seeded by one draw of `options.rng`, filled in one
 * JS loop: tf.dropout's seeded uniform costs ~5% of a training step.
 */
function dropout<T extends Tensor>(x: T, rate: number, options: ApplyOptions): T {
  if (options.training !== true || rate <= 0) return x;
  if (options.rng === undefined) throw new Error("dropout in training mode needs an rng");
  const bits = new Uint32Array(x.size);
  createResumableRng(options.rng.uint32()).fillUint32(bits);
  const keep = 1 / (1 - rate);
  const threshold = rate * 2 ** 32;
  const mask = new Float32Array(bits.length);
  for (let i = 0; i < mask.length; i++) mask[i] = (bits[i] as number) >= threshold ? keep : 0;
  return tf.mul(x, tf.tensor(mask, x.shape, "float32")) as T;
}

/** A variant's forward pass on time-major input (T, B, F). */
type Forward = (xT: Tensor3D, options: ApplyOptions) => Tensor2D;

/** Makes one variant's weights, in a fixed order (the seeded sequence depends on it), and returns its forward pass. */
type VariantBuilder = (cfg: Required<ModelConfig>, factory: WeightFactory) => Forward;

/** `single`: one LSTM, its last state through dropout and a linear head. */
const buildSingle: VariantBuilder = (cfg, factory) => {
  const { inputSize: F, hiddenSize: H, horizon: O } = cfg;
  const lstm = factory.lstm("lstm0", F, H);
  const fc = factory.dense("fc", H, O);
  return (xT, o) => {
    const last = runLstm(lstm, xT).at(xT.shape[0] - 1);
    return dense(fc, dropout(last, cfg.dropout, o));
  };
};

/** `multi` and `stacked`: L LSTM layers with dropout between them, the last state through a linear head. */
const buildLayered: VariantBuilder = (cfg, factory) => {
  const { inputSize: F, hiddenSize: H, horizon: O, numLayers: L } = cfg;
  const layers = Array.from({ length: L }, (_, l) => factory.lstm(`lstm${l}`, l === 0 ? F : H, H));
  const fc = factory.dense("fc", H, O);
  const between = cfg.variant === "stacked" ? 0.2 : cfg.dropout;
  const head = cfg.variant === "stacked" ? 0 : cfg.dropout;
  return (xT, o) => {
    let seq = xT;
    let last: Tensor2D | undefined;
    layers.forEach((w, l) => {
      if (l > 0) seq = dropout(seq, between, o);
      const r = runLstm(w, seq);
      if (l < L - 1) seq = r.h;
      else last = r.at(xT.shape[0] - 1);
    });
    return dense(fc, dropout(last as Tensor2D, head, o));
  };
};

/** `bidirectional`: L forward ⊕ backward LSTM layers, the head input per `bidirectionalHead`. */
const buildBidirectional: VariantBuilder = (cfg, factory) => {
  const { inputSize: F, hiddenSize: H, horizon: O, numLayers: L } = cfg;
  const layers = Array.from({ length: L }, (_, l) => ({
    fwd: factory.lstm(`lstm${l}.fwd`, l === 0 ? F : 2 * H, H),
    bwd: factory.lstm(`lstm${l}.bwd`, l === 0 ? F : 2 * H, H),
  }));
  const fc = factory.dense("fc", 2 * H, O);
  return (xT, o) => {
    const T = xT.shape[0];
    let seq = xT;
    let headIn: Tensor2D | undefined;
    layers.forEach((w, l) => {
      if (l > 0) seq = dropout(seq, cfg.dropout, o);
      const fwd = runLstm(w.fwd, seq);
      // Reads the window backwards; its states stay at their time index (no reversed copies).
      const bwd = runLstm(w.bwd, seq, undefined, true);
      if (l < L - 1) {
        seq = tf.concat([fwd.h, bwd.h], 2);
      } else {
        // last-step: the seed's lstm_out[:, -1], whose backward half has read one step;
        // final-states: the backward pass's state after reading the whole window (time 0).
        const back = cfg.bidirectionalHead === "last-step" ? bwd.at(T - 1) : bwd.at(0);
        headIn = tf.concat([fwd.at(T - 1), back], 1);
      }
    });
    return dense(fc, dropout(headIn as Tensor2D, cfg.dropout, o));
  };
};

/** `encoder-decoder`: the encoder's final state read O times by a decoder, one linear step each. */
const buildEncoderDecoder: VariantBuilder = (cfg, factory) => {
  const { inputSize: F, hiddenSize: H, horizon: O } = cfg;
  const encoder = factory.lstm("encoder", F, H);
  const decoder = factory.lstm("decoder", H, H);
  const fc = factory.dense("fc", H, 1);
  return (xT) => {
    const T = xT.shape[0];
    const B = xT.shape[1];
    const enc = runLstm(encoder, xT);
    const hT = enc.at(T - 1);
    // The decoder reads the same context h_T at each of the O steps, starting from (h_T, c_T).
    const context = tf.tile(tf.reshape(hT, [1, B, H]), [O, 1, 1]) as Tensor3D;
    const dec = runLstm(decoder, context, { h0: hT, c0: enc.c });
    const y = dense(fc, tf.reshape(dec.h, [O * B, H])); // (O·B, 1)
    return tf.transpose(tf.reshape(y, [O, B])) as Tensor2D;
  };
};

/** `attention`: softmax attention over the LSTM's outputs, the context through a linear head. */
const buildAttention: VariantBuilder = (cfg, factory) => {
  const { inputSize: F, hiddenSize: H, horizon: O } = cfg;
  const lstm = factory.lstm("lstm0", F, H);
  const attention = factory.dense("attention", H, 1);
  const fc = factory.dense("fc", H, O);
  return (xT) => {
    const [T, B] = xT.shape;
    const { h } = runLstm(lstm, xT);
    const scores = tf.transpose(tf.reshape(dense(attention, tf.reshape(h, [T * B, H])), [T, B])); // (B, T)
    const weights = tf.reshape(tf.transpose(tf.softmax(scores)), [T, B, 1]);
    const context = tf.sum(tf.mul(weights, h), 0) as Tensor2D; // (B, H)
    return dense(fc, context);
  };
};

/** One builder per variant: add a variant here (and to `MODEL_VARIANTS` in `@hyperq/protocol`). */
const VARIANT_BUILDERS: Record<ModelVariant, VariantBuilder> = {
  single: buildSingle,
  multi: buildLayered,
  stacked: buildLayered,
  bidirectional: buildBidirectional,
  "encoder-decoder": buildEncoderDecoder,
  attention: buildAttention,
};

/**
 * Builds a model of the given variant with seeded initial weights. Shapes, with B = batch,
 * T = seq_len, F = inputSize, H = hiddenSize, L = numLayers, O = horizon:
 *
 * - `single`: LSTM(F→H) → h_T (B, H) → Dropout → Linear(H→O) → (B, O).
 * - `multi`: L × LSTM (dropout between layers when L > 1) → h_T (B, H) → Dropout → Linear(H→O).
 * - `stacked`: L × LSTM with dropout 0.2 between layers → h_T (B, H) → Linear(H→O) (no head dropout).
 * - `bidirectional`: L × (forward LSTM ⊕ backward LSTM) (B, T, 2H) per layer, dropout between layers;
 *   head input (B, 2H) per `bidirectionalHead` → Dropout → Linear(2H→O).
 * - `encoder-decoder`: encoder LSTM(F→H) → (h_T, c_T); decoder LSTM(H→H) starts from (h_T, c_T) and
 *   reads h_T repeated O times → (B, O, H) → Linear(H→1) per step → (B, O, 1), flattened to (B, O).
 *   (The seed repeats it seq_len times and emits seq_len steps; here the decoded sequence is the horizon.)
 * - `attention`: LSTM(F→H) → (B, T, H); scores Linear(H→1) per step, softmax over time, weighted sum
 *   of the outputs → context (B, H) → Linear(H→O).
 *
 * ```ts
 * const model = buildModel({ variant: "multi", inputSize: 10, hiddenSize: 64, numLayers: 2, dropout: 0.2, horizon: 1 }, 42);
 * const y = tf.tidy(() => model.apply(tf.zeros([32, 20, 10]) as tf.Tensor3D)); // (32, 1)
 * model.dispose();
 * ```
 */
export function buildModel(config: ModelConfig, seed: number): SequenceModel {
  const cfg: Required<ModelConfig> = { bidirectionalHead: "final-states", init: "pytorch", ...config };
  if (!(cfg.inputSize >= 1 && cfg.hiddenSize >= 1 && cfg.horizon >= 1 && cfg.numLayers >= 1)) {
    throw new Error(`model sizes must be >= 1, but got inputSize=${cfg.inputSize}, hiddenSize=${cfg.hiddenSize}, numLayers=${cfg.numLayers}, horizon=${cfg.horizon}`);
  }
  const factory = new WeightFactory(createResumableRng(seed), cfg.init);
  const forward = VARIANT_BUILDERS[cfg.variant](cfg, factory);
  const F = cfg.inputSize;

  const variables = factory.variables;
  const names = factory.names;
  return {
    config: cfg,
    variables,
    apply(x: Tensor3D, options: ApplyOptions = {}): Tensor2D {
      if (x.shape[2] !== F) throw new Error(`model expects ${F} features per step, but got x of shape [${x.shape.join(", ")}]`);
      return forward(tf.transpose(x, [1, 0, 2]), options);
    },
    countParams: () => variables.reduce((n, v) => n + v.size, 0),
    getWeights: () =>
      variables.map((v, i) => ({ name: names[i] as string, shape: [...v.shape], values: new Float32Array(v.dataSync()) })),
    setWeights(weights: readonly WeightSnapshot[]): void {
      if (weights.length !== variables.length) {
        throw new Error(`setWeights: expected ${variables.length} weights, but got ${weights.length}`);
      }
      weights.forEach((w, i) => {
        const v = variables[i] as Variable;
        if (w.name !== names[i] || w.shape.join(",") !== v.shape.join(",")) {
          throw new Error(`setWeights: weight ${i} must be ${names[i]} [${v.shape.join(", ")}], but got ${w.name} [${w.shape.join(", ")}]`);
        }
        tf.tidy(() => v.assign(tf.tensor(w.values, w.shape, "float32")));
      });
    },
    dispose: () => variables.forEach((v) => v.dispose()),
  };
}

/**
 * Optimizers and learning-rate schedules with PyTorch's semantics (the seed's reference):
 * - Adam (β₁ 0.9, β₂ 0.999, ε 1e-8, bias-corrected), SGD with momentum (buf = μ·buf + g, no
 *   dampening), RMSprop (α 0.99, ε 1e-8). `weight_decay` adds λ·w to the gradient (PyTorch's L2).
 * - Schedules per epoch (0-based e): constant; StepLR lr₀·γ^⌊e/step_size⌋; CosineAnnealingLR
 *   (η_min = 0) lr₀·(1 + cos(π·e/T_max))/2.
 * - Gradient clipping by global norm (torch.nn.utils.clip_grad_norm_) before the step.
 */
import * as tf from "@tensorflow/tfjs-core";
import type { Scalar, Tensor, Variable } from "@tensorflow/tfjs-core";
import type { Hyperparams } from "@hyperq/protocol";

/** The learning rate of epoch `epoch` (0-based) under the trial's schedule. */
export function learningRateAt(hp: Pick<Hyperparams, "learning_rate" | "schedule" | "step_size" | "gamma" | "t_max">, epoch: number): number {
  switch (hp.schedule) {
    case "constant":
      return hp.learning_rate;
    case "step":
      return hp.learning_rate * Math.pow(hp.gamma, Math.floor(epoch / hp.step_size));
    case "cosine":
      return (hp.learning_rate * (1 + Math.cos((Math.PI * epoch) / hp.t_max))) / 2;
  }
}

/**
 * An optimizer's whole state: the steps taken and its slot values (`slots[k][i]`: slot kind k —
 * Adam's m and v, SGD's momentum buffer, RMSprop's square average — of variable i; null before
 * the first step). Checkpoint it to resume training exactly.
 */
export interface OptimizerState {
  step: number;
  slots: (Float32Array | null)[][];
}

/** Applies one update to `variables` from `grads` (same order). Owns its slot variables. */
export interface Optimizer {
  step(variables: readonly Variable[], grads: readonly Tensor[], learningRate: number): void;
  getState(): OptimizerState;
  /** Restores a state from `getState`; `variables` gives each slot its shape. */
  setState(state: OptimizerState, variables: readonly Variable[]): void;
  dispose(): void;
}

export interface OptimizerOptions {
  name: Hyperparams["optimizer"];
  /** SGD momentum μ. */
  momentum: number;
  /** L2 penalty λ added to the gradient. */
  weightDecay: number;
}

/** Creates an optimizer; slots are created lazily on the first step. */
export function createOptimizer(options: OptimizerOptions): Optimizer {
  const slots: Variable[][] = [];
  let t = 0;
  const slot = (k: number, i: number, like: Tensor): Variable => {
    const row = (slots[k] ??= []);
    // Created inside the step's tidy: the variable outlives it, its initial tensor does not.
    return (row[i] ??= tf.variable(tf.zerosLike(like), false));
  };
  return {
    step(variables, grads, lr) {
      t += 1;
      tf.tidy(() => {
        variables.forEach((v, i) => {
          let g = grads[i] as Tensor;
          if (options.weightDecay > 0) g = tf.add(g, tf.mul(v, options.weightDecay));
          switch (options.name) {
            case "adam": {
              const b1 = 0.9;
              const b2 = 0.999;
              const m = slot(0, i, v);
              const s = slot(1, i, v);
              m.assign(tf.add(tf.mul(m, b1), tf.mul(g, 1 - b1)));
              s.assign(tf.add(tf.mul(s, b2), tf.mul(tf.square(g), 1 - b2)));
              const stepSize = (lr * Math.sqrt(1 - Math.pow(b2, t))) / (1 - Math.pow(b1, t));
              const denom = tf.add(tf.sqrt(s), 1e-8 * Math.sqrt(1 - Math.pow(b2, t)));
              v.assign(tf.sub(v, tf.mul(tf.div(m, denom), stepSize)));
              break;
            }
            case "sgd": {
              if (options.momentum > 0) {
                const buf = slot(0, i, v);
                // PyTorch initialises the buffer with the first gradient.
                buf.assign(t === 1 ? g : tf.add(tf.mul(buf, options.momentum), g));
                g = buf;
              }
              v.assign(tf.sub(v, tf.mul(g, lr)));
              break;
            }
            case "rmsprop": {
              const alpha = 0.99;
              const sq = slot(0, i, v);
              sq.assign(tf.add(tf.mul(sq, alpha), tf.mul(tf.square(g), 1 - alpha)));
              v.assign(tf.sub(v, tf.mul(tf.div(g, tf.add(tf.sqrt(sq), 1e-8)), lr)));
              break;
            }
          }
        });
      });
    },
    getState() {
      return { step: t, slots: slots.map((row) => Array.from(row, (v) => (v === undefined ? null : new Float32Array(v.dataSync())))) };
    },
    setState(state, variables) {
      for (const row of slots) for (const s of row) s?.dispose();
      slots.length = 0;
      t = state.step;
      state.slots.forEach((row, k) => {
        const out: Variable[] = [];
        row.forEach((values, i) => {
          const v = variables[i];
          // Inside a tidy: the variable outlives it, its initial tensor does not.
          if (values !== null && v !== undefined) out[i] = tf.tidy(() => tf.variable(tf.tensor(values, v.shape), false));
        });
        slots[k] = out;
      });
    },
    dispose() {
      for (const row of slots) for (const s of row) s?.dispose();
      slots.length = 0;
    },
  };
}

/**
 * Scales `grads` so their global L2 norm is at most `maxNorm` (0 = off). Returns new tensors and the
 * norm before clipping; the caller disposes both.
 */
export function clipByGlobalNorm(grads: readonly Tensor[], maxNorm: number): { grads: Tensor[]; norm: Scalar } {
  return tf.tidy(() => {
    const norm = tf.sqrt(tf.addN(grads.map((g) => tf.sum(tf.square(g))))) as Scalar;
    if (!(maxNorm > 0)) return { grads: grads.map((g) => tf.clone(g)), norm };
    const scale = tf.minimum(tf.div(maxNorm, tf.add(norm, 1e-6)), 1);
    return { grads: grads.map((g) => tf.mul(g, scale)), norm };
  });
}

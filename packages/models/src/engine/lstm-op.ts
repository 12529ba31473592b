/**
 * `lstmSequence`: one LSTM layer (one direction) over a whole sequence as a single differentiable
 * op. On backends with the fused kernels (wasm, cpu) it is one forward kernel and one hand-written
 * BPTT kernel; elsewhere (tfjs-node) it is the same math composed of tfjs ops, differentiated by
 * autodiff (`lstmSequenceReference`, also the reference the fused op is tested against).
 *
 * Shapes (time-major): x (T, B, I); wih (I, 4H); b (4H); whh (H, 4H); h0, c0 (B, H).
 * Result: `hc` (T+1, B, H) = h_1..h_T then c_T, with `h` (T, B, H), `c` (B, H) and `at(t)` views.
 * Gates in PyTorch's order i, f, g, o, with sigmoid (not tfjs-layers' hard sigmoid) on i, f, o.
 */
import * as tf from "@tensorflow/tfjs-core";
import "./register-gradients.ts";
import type { NamedTensorMap, Tensor, Tensor1D, Tensor2D, Tensor3D } from "@tensorflow/tfjs-core";
import { LSTM_BACKWARD_KERNEL, LSTM_FORWARD_KERNEL } from "./lstm-kernels.ts";

/** The op's result: one packed tensor and lazily sliced views of it (made inside the caller's tidy). */
export interface LstmResult {
  /** (T+1, B, H): h_1..h_T, then c_T. */
  readonly hc: Tensor3D;
  /** (T, B, H): h_1..h_T. */
  readonly h: Tensor3D;
  /** (B, H): c_T. */
  readonly c: Tensor2D;
  /** (B, H): the hidden state after step `t` (0-based), i.e. h_{t+1}. */
  at(t: number): Tensor2D;
}

function resultOf(hc: Tensor3D): LstmResult {
  const [T1, B, H] = hc.shape;
  const T = T1 - 1;
  let h: Tensor3D | undefined;
  let c: Tensor2D | undefined;
  const slab = (t: number) => tf.reshape(tf.slice(hc, [t, 0, 0], [1, B, H]), [B, H]) as Tensor2D;
  return {
    hc,
    get h() {
      return (h ??= tf.slice(hc, [0, 0, 0], [T, B, H]));
    },
    get c() {
      return (c ??= slab(T));
    },
    at: (t: number) => {
      if (!(t >= 0 && t < T)) throw new RangeError(`time step ${t} is outside 0..${T - 1}`);
      return slab(t);
    },
  };
}

/**
 * The fused op (requires the kernels for the current backend). One output, so the engine never
 * materialises zero gradients for outputs nobody uses; the BPTT state (cell states, gates) is kept
 * with `save`, which only holds it while gradients are being recorded.
 */
const makeFusedOp = (reverse: boolean) =>
  tf.customGrad((...args: Array<Tensor | tf.GradSaveFunc>) => {
    const [x, wih, b, whh, h0, c0, save] = args as [Tensor3D, Tensor2D, Tensor1D, Tensor2D, Tensor2D, Tensor2D, tf.GradSaveFunc];
    const inputs: NamedTensorMap = { x, wih, b, whh, h0, c0 };
    const [hc, cSeq, gates] = tf.engine().runKernel(LSTM_FORWARD_KERNEL, inputs, { reverse }) as [Tensor3D, Tensor3D, Tensor3D];
    save([x, wih, whh, h0, c0, hc, cSeq, gates]);
    return {
      value: hc,
      gradFunc: (dy: Tensor, saved: Tensor[]) => {
        const [sx, swih, swhh, sh0, sc0, shc, scSeq, sgates] = saved as Tensor[];
        return tf.engine().runKernel(
          LSTM_BACKWARD_KERNEL,
          { dhc: dy, x: sx, wih: swih, whh: swhh, h0: sh0, c0: sc0, hc: shc, cSeq: scSeq, gates: sgates } as NamedTensorMap,
          { reverse },
        ) as Tensor[];
      },
    };
  });
const fusedOps = { forward: makeFusedOp(false), reverse: makeFusedOp(true) };

/** Options of one LSTM layer run. */
export interface LstmRunOptions {
  /**
   * Read the sequence from its end (the backward direction of a bidirectional layer). States stay
   * at their time index: `h` is aligned with the input, `at(0)` is the state after reading the whole
   * window backwards and `c` the final cell state. @defaultValue false
   */
  reverse?: boolean;
  /** `reference` forces the op-by-op composition (tests). @defaultValue "auto" */
  mode?: "auto" | "reference";
}

/** The fused op: requires the kernels to be registered for the current backend. */
export function lstmSequenceFused(
  x: Tensor3D,
  wih: Tensor2D,
  b: Tensor1D,
  whh: Tensor2D,
  h0: Tensor2D,
  c0: Tensor2D,
  options: LstmRunOptions = {},
): LstmResult {
  const op = options.reverse === true ? fusedOps.reverse : fusedOps.forward;
  return resultOf(op(x, wih, b, whh, h0, c0) as Tensor3D);
}

/** The same layer composed of tfjs ops (autodiff). Works on every backend; O(T) small ops. */
export function lstmSequenceReference(
  x: Tensor3D,
  wih: Tensor2D,
  b: Tensor1D,
  whh: Tensor2D,
  h0: Tensor2D,
  c0: Tensor2D,
  options: LstmRunOptions = {},
): LstmResult {
  if (options.reverse !== true) return resultOf(referenceHc(x, wih, b, whh, h0, c0));
  return resultOf(
    tf.tidy(() => {
      const hc = referenceHc(tf.reverse(x, 0), wih, b, whh, h0, c0);
      const T = x.shape[0];
      const [, B, H] = hc.shape;
      const h = tf.reverse(tf.slice(hc, [0, 0, 0], [T, B, H]), 0);
      return tf.concat([h, tf.slice(hc, [T, 0, 0], [1, B, H])], 0) as Tensor3D;
    }),
  );
}

function referenceHc(x: Tensor3D, wih: Tensor2D, b: Tensor1D, whh: Tensor2D, h0: Tensor2D, c0: Tensor2D): Tensor3D {
  return tf.tidy(() => {
    const [T, B, I] = x.shape;
    const xw = tf.reshape(tf.add(tf.matMul(tf.reshape(x, [T * B, I]), wih), b), [T, B, wih.shape[1]]);
    const steps = tf.unstack(xw) as Tensor2D[];
    const H = whh.shape[0];
    let h = h0;
    let c = c0;
    const hs: Tensor2D[] = [];
    for (const xt of steps) {
      const z = tf.add(xt, tf.matMul(h, whh));
      const i = tf.sigmoid(tf.slice(z, [0, 0], [-1, H]));
      const f = tf.sigmoid(tf.slice(z, [0, H], [-1, H]));
      const g = tf.tanh(tf.slice(z, [0, 2 * H], [-1, H]));
      const o = tf.sigmoid(tf.slice(z, [0, 3 * H], [-1, H]));
      c = tf.add(tf.mul(f, c), tf.mul(i, g));
      h = tf.mul(o, tf.tanh(c));
      hs.push(h);
    }
    return tf.concat([tf.stack(hs), tf.expandDims(c, 0)], 0) as Tensor3D;
  });
}

/** Chooses the fused op where its kernels exist, the reference composition otherwise. */
export function lstmSequence(
  x: Tensor3D,
  wih: Tensor2D,
  b: Tensor1D,
  whh: Tensor2D,
  h0: Tensor2D,
  c0: Tensor2D,
  options: LstmRunOptions = {},
): LstmResult {
  if (options.mode !== "reference" && tf.getKernel(LSTM_FORWARD_KERNEL, tf.getBackend()) !== undefined) {
    return lstmSequenceFused(x, wih, b, whh, h0, c0, options);
  }
  return lstmSequenceReference(x, wih, b, whh, h0, c0, options);
}

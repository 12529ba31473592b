import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from "@tensorflow/tfjs-core";
import { loadBackend } from "./backend.ts";
import { fastSigmoid, fastTanh } from "./lstm-kernels.ts";
import { lstmSequenceFused, lstmSequenceReference } from "./lstm-op.ts";
import type { LstmResult, LstmRunOptions } from "./lstm-op.ts";
import { createResumableRng } from "@hyperq/protocol";

type LstmFn = (x: Tensor3D, wih: Tensor2D, b: Tensor1D, whh: Tensor2D, h0: Tensor2D, c0: Tensor2D, options?: LstmRunOptions) => LstmResult;

const T = 6;
const B = 3;
const I = 2;
const H = 4;

interface Inputs {
  x: Tensor3D;
  wih: Tensor2D;
  b: Tensor1D;
  whh: Tensor2D;
  h0: Tensor2D;
  c0: Tensor2D;
  wh: Tensor;
  wc: Tensor;
}

function randomInputs(seed: number): Inputs {
  const rng = createResumableRng(seed);
  const r = (shape: number[], scale: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() * 2 - 1) * scale), shape);
  return {
    x: r([T, B, I], 1.5) as Tensor3D,
    wih: r([I, 4 * H], 0.8) as Tensor2D,
    b: r([4 * H], 0.5) as Tensor1D,
    whh: r([H, 4 * H], 0.7) as Tensor2D,
    h0: r([B, H], 0.5) as Tensor2D,
    c0: r([B, H], 0.5) as Tensor2D,
    wh: r([T, B, H], 1),
    wc: r([B, H], 1),
  };
}

/** A scalar loss that touches every output: Σ wh·h + Σ wc·c_T. */
function lossOf(fn: LstmFn, wh: Tensor, wc: Tensor, reverse = false) {
  return (...t: Tensor[]) => {
    const r = fn(t[0] as Tensor3D, t[1] as Tensor2D, t[2] as Tensor1D, t[3] as Tensor2D, t[4] as Tensor2D, t[5] as Tensor2D, { reverse });
    return tf.add(tf.sum(tf.mul(r.h, wh)), tf.sum(tf.mul(r.c, wc)));
  };
}

function list(i: Inputs): Tensor[] {
  return [i.x, i.wih, i.b, i.whh, i.h0, i.c0];
}

function values(t: Tensor): Float32Array {
  return t.dataSync() as Float32Array;
}

function expectClose(a: Float32Array, b: Float32Array, tol: number): void {
  expect(a.length).toBe(b.length);
  let worst = 0;
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs((a[i] as number) - (b[i] as number)));
  expect(worst).toBeLessThan(tol);
}

describe("fast gate functions", () => {
  it("tanh and sigmoid match Math within float32 precision", () => {
    let worst = 0;
    for (let x = -30; x <= 30; x += 0.001) {
      worst = Math.max(worst, Math.abs(fastTanh(x) - Math.tanh(x)), Math.abs(fastSigmoid(x) - 1 / (1 + Math.exp(-x))));
    }
    expect(worst).toBeLessThan(5e-7);
  });
});

for (const backend of ["wasm", "cpu"] as const) {
  describe(`fused LSTM on ${backend}`, () => {
    beforeAll(async () => {
      await loadBackend(backend);
    });

    it.each([false, true])("forward equals the op-by-op reference (reverse: %s)", (reverse) => {
      tf.tidy(() => {
        const { x, wih, b, whh, h0, c0 } = randomInputs(1);
        const fused = lstmSequenceFused(x, wih, b, whh, h0, c0, { reverse });
        const ref = lstmSequenceReference(x, wih, b, whh, h0, c0, { reverse });
        expect(fused.h.shape).toEqual([T, B, H]);
        expect(fused.c.shape).toEqual([B, H]);
        expectClose(values(fused.h), values(ref.h), 1e-5);
        expectClose(values(fused.c), values(ref.c), 1e-5);
      });
    });

    it.each([false, true])("gradients equal autodiff's through the reference (reverse: %s)", (reverse) => {
      tf.tidy(() => {
        const inputs = randomInputs(2);
        const fused = tf.grads(lossOf(lstmSequenceFused, inputs.wh, inputs.wc, reverse))(list(inputs));
        const ref = tf.grads(lossOf(lstmSequenceReference, inputs.wh, inputs.wc, reverse))(list(inputs));
        expect(fused.map((g) => g.shape)).toEqual(list(inputs).map((t) => t.shape));
        fused.forEach((g, i) => expectClose(values(g), values(ref[i] as Tensor), 1e-4));
      });
    });

    it.each([false, true])("gradients match central finite differences (reverse: %s)", (reverse) => {
      tf.tidy(() => {
        const all = randomInputs(3);
        const inputs = list(all);
        const f = lossOf(lstmSequenceFused, all.wh, all.wc, reverse);
        const analytic = tf.grads(f)(inputs).map(values);
        const eps = 1e-2;
        const rng = createResumableRng(9);
        inputs.forEach((x, which) => {
          const base = values(x).slice();
          // A few coordinates per input keep the test fast.
          for (let k = 0; k < 6; k++) {
            const i = Math.floor(rng.next() * base.length);
            const at = (delta: number) => {
              const v = base.slice();
              v[i] = (v[i] as number) + delta;
              const args = inputs.map((t, j) => (j === which ? tf.tensor(v, t.shape) : t));
              return values(f(...args))[0] as number;
            };
            const numeric = (at(eps) - at(-eps)) / (2 * eps);
            const exact = (analytic[which] as Float32Array)[i] as number;
            expect(Math.abs(numeric - exact)).toBeLessThan(2e-3 * Math.max(1, Math.abs(exact)));
          }
        });
      });
    });

    it("reverse keeps time indices: at(0) has read the whole window, at(T-1) only the last step", () => {
      tf.tidy(() => {
        const { x, wih, b, whh, h0, c0 } = randomInputs(5);
        const back = lstmSequenceFused(x, wih, b, whh, h0, c0, { reverse: true });
        const whole = lstmSequenceFused(tf.reverse(x, 0) as Tensor3D, wih, b, whh, h0, c0);
        expectClose(values(back.at(0)), values(whole.at(T - 1)), 1e-6);
        const lastOnly = lstmSequenceFused(tf.slice(x, [T - 1, 0, 0], [1, B, I]) as Tensor3D, wih, b, whh, h0, c0);
        expectClose(values(back.at(T - 1)), values(lastOnly.at(0)), 1e-6);
      });
    });

    it("leaves no tensors behind in forward and backward", () => {
      const inputs = randomInputs(4);
      const before = tf.memory();
      tf.tidy(() => {
        tf.grads(lossOf(lstmSequenceFused, inputs.wh, inputs.wc))(list(inputs));
      });
      expect(tf.memory().numTensors).toBe(before.numTensors);
      expect(tf.memory().numDataBuffers).toBe(before.numDataBuffers);
      tf.dispose([...list(inputs), inputs.wh, inputs.wc]);
    });
  });
}

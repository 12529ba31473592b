import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor } from "@tensorflow/tfjs-core";
import { loadBackend } from "./backend.ts";
import { originalWasmKernels } from "./wasm-patches.ts";
import { createResumableRng } from "@hyperq/protocol";

/** Runs `f` with the original (unpatched) wasm kernels registered, then restores the patches. */
function withOriginals<T>(f: () => T): T {
  const originals = originalWasmKernels();
  if (originals === undefined) throw new Error("patches not installed");
  const patched = { matMul: tf.getKernel("BatchMatMul", "wasm"), slice: tf.getKernel("Slice", "wasm"), identity: tf.getKernel("Identity", "wasm") };
  const swap = (name: string, kernelFunc: tf.KernelFunc) => {
    const config = tf.getKernel(name, "wasm");
    tf.unregisterKernel(name, "wasm");
    tf.registerKernel({ ...config, kernelFunc });
  };
  swap("BatchMatMul", originals.matMul);
  swap("Slice", originals.slice);
  swap("Identity", originals.identity);
  try {
    return f();
  } finally {
    swap("BatchMatMul", patched.matMul.kernelFunc);
    swap("Slice", patched.slice.kernelFunc);
    swap("Identity", patched.identity.kernelFunc);
  }
}

function rand(shape: number[], seed: number): Tensor {
  const rng = createResumableRng(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => rng.next() * 2 - 1), shape);
}

function maxDiff(a: Tensor, b: Tensor): number {
  expect(a.shape).toEqual(b.shape);
  const x = a.dataSync();
  const y = b.dataSync();
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
  return worst;
}

describe("wasm kernel replacements (parity with the originals)", () => {
  beforeAll(async () => {
    await loadBackend("wasm");
  });

  it("BatchMatMul with every transpose combination, 2-D and batched", () => {
    tf.tidy(() => {
      const cases: Array<[number[], number[], boolean, boolean]> = [
        [[5, 7], [7, 3], false, false],
        [[7, 5], [7, 3], true, false],
        [[7, 3], [7, 5], true, false],
        [[1, 9, 2], [1, 9, 6], true, false],
        [[5, 7], [3, 7], false, true],
        [[7, 5], [3, 7], true, true],
        [[1, 7, 5], [1, 3, 7], true, true],
        [[2, 5, 7], [2, 3, 7], false, true],
      ];
      cases.forEach(([as, bs, ta, tb], i) => {
        const a = rand(as, i);
        const b = rand(bs, 100 + i);
        const patched = tf.matMul(a, b, ta, tb);
        const original = withOriginals(() => tf.matMul(a, b, ta, tb));
        expect(maxDiff(patched, original)).toBeLessThan(1e-5);
      });
    });
  });

  it("Slice, contiguous and strided, rank 1 to 4", () => {
    tf.tidy(() => {
      const cases: Array<[number[], number[], number[]]> = [
        [[10], [3], [4]],
        [[4, 6], [1, 0], [2, 6]],
        [[4, 6], [1, 2], [3, 3]],
        [[5, 4, 3], [4, 0, 0], [1, 4, 3]],
        [[5, 4, 3], [1, 1, 1], [3, 2, 2]],
        [[3, 4, 5, 2], [1, 0, 2, 1], [2, 3, 2, 1]],
      ];
      cases.forEach(([shape, begin, size], i) => {
        const x = rand(shape, i);
        expect(maxDiff(tf.slice(x, begin, size), withOriginals(() => tf.slice(x, begin, size)))).toBe(0);
      });
    });
  });

  it("Identity (clone) shares data safely: values equal, and disposing either side keeps the other", () => {
    const x = rand([3, 4], 5);
    const expected = Array.from(x.dataSync());
    const before = tf.memory().numDataBuffers;
    const y = tf.clone(x);
    expect(tf.memory().numDataBuffers).toBe(before); // shared, not copied
    expect(Array.from(y.dataSync())).toEqual(expected);
    x.dispose();
    expect(Array.from(y.dataSync())).toEqual(expected);
    const z = tf.add(y, 1); // a kernel reading the shared buffer after the original is gone
    expect(Array.from(z.dataSync())).toEqual(expected.map((v) => Math.fround(v + 1)));
    tf.dispose([y, z]);
    expect(tf.memory().numDataBuffers).toBe(before - 1);
  });

  it("matMul gradients (transposed matMuls) equal the originals'", () => {
    tf.tidy(() => {
      const a = rand([6, 4], 1);
      const b = rand([4, 5], 2);
      const f = (x: Tensor, y: Tensor) => tf.sum(tf.square(tf.matMul(x, y)));
      const patched = tf.grads(f)([a, b]);
      const original = withOriginals(() => tf.grads(f)([a, b]));
      patched.forEach((g, i) => expect(maxDiff(g, original[i] as Tensor)).toBeLessThan(1e-5));
    });
  });
});

import { describe, expect, it } from "vitest";
import { initDense, initLstm } from "./init.ts";
import { createResumableRng as createRng } from "@hyperq/protocol";

function stats(values: Float32Array): { min: number; max: number; mean: number; variance: number } {
  let min = Infinity;
  let max = -Infinity;
  let sum = 0;
  for (const v of values) {
    min = Math.min(min, v);
    max = Math.max(max, v);
    sum += v;
  }
  const mean = sum / values.length;
  let sq = 0;
  for (const v of values) sq += (v - mean) ** 2;
  return { min, max, mean, variance: sq / values.length };
}

describe("pytorch initialisation", () => {
  const H = 64;
  const k = 1 / Math.sqrt(H);
  const lstm = initLstm("pytorch", createRng(3), 10, H);

  it.each(["wih", "whh"] as const)("LSTM %s is U(±1/√H): bounded by 1/√H, filling it, variance k²/3", (name) => {
    const s = stats(lstm[name]);
    expect(s.max).toBeLessThanOrEqual(k);
    expect(s.min).toBeGreaterThanOrEqual(-k);
    expect(s.max).toBeGreaterThan(0.98 * k);
    expect(s.min).toBeLessThan(-0.98 * k);
    expect(Math.abs(s.mean)).toBeLessThan(0.05 * k);
    expect(s.variance / (k * k / 3)).toBeGreaterThan(0.9);
    expect(s.variance / (k * k / 3)).toBeLessThan(1.1);
  });

  it("LSTM bias is b_ih + b_hh, two U(±1/√H): within ±2/√H, variance 2k²/3, no forget-gate offset", () => {
    const s = stats(lstm.b);
    expect(lstm.b.length).toBe(4 * H);
    expect(s.max).toBeLessThanOrEqual(2 * k);
    expect(s.min).toBeGreaterThanOrEqual(-2 * k);
    // A single U(±1/√H) would have variance k²/3 and never pass ±k often; the sum does.
    expect(s.variance / ((2 * k * k) / 3)).toBeGreaterThan(0.8);
    expect(s.variance / ((2 * k * k) / 3)).toBeLessThan(1.2);
    const forget = stats(lstm.b.subarray(H, 2 * H));
    expect(Math.abs(forget.mean)).toBeLessThan(0.3 * k);
  });

  it("Linear weights and bias are U(±1/√fan_in)", () => {
    const fanIn = 32;
    const dense = initDense("pytorch", createRng(4), fanIn, 200);
    const kd = 1 / Math.sqrt(fanIn);
    for (const values of [dense.w, dense.b]) {
      const s = stats(values);
      expect(s.max).toBeLessThanOrEqual(kd);
      expect(s.min).toBeGreaterThanOrEqual(-kd);
      expect(s.max).toBeGreaterThan(0.9 * kd);
      expect(s.min).toBeLessThan(-0.9 * kd);
    }
  });

  it("is deterministic for a seed", () => {
    expect(initLstm("pytorch", createRng(9), 3, 5)).toEqual(initLstm("pytorch", createRng(9), 3, 5));
    expect(initLstm("pytorch", createRng(9), 3, 5).wih).not.toEqual(initLstm("pytorch", createRng(10), 3, 5).wih);
  });
});

describe("unit-forget initialisation", () => {
  it("draws PyTorch's weights and adds exactly 1 to the forget gate's bias", () => {
    const H = 8;
    const pt = initLstm("pytorch", createRng(5), 3, H);
    const uf = initLstm("unit-forget", createRng(5), 3, H);
    expect(uf.wih).toEqual(pt.wih);
    expect(uf.whh).toEqual(pt.whh);
    Array.from(uf.b).forEach((v, i) => expect(v).toBeCloseTo((pt.b[i] as number) + (i >= H && i < 2 * H ? 1 : 0), 6));
  });
});

describe("glorot initialisation", () => {
  it("glorot-uniform matrices, forget-gate bias 1 and other biases 0, zero Linear bias", () => {
    const H = 16;
    const lstm = initLstm("glorot", createRng(1), 4, H);
    const limit = Math.sqrt(6 / (H + 4 * H));
    const s = stats(lstm.whh);
    expect(s.max).toBeLessThanOrEqual(limit);
    expect(s.max).toBeGreaterThan(0.9 * limit);
    expect(Array.from(lstm.b)).toEqual(Array.from({ length: 4 * H }, (_, i) => (i >= H && i < 2 * H ? 1 : 0)));
    expect(Array.from(initDense("glorot", createRng(1), 8, 3).b)).toEqual([0, 0, 0]);
  });
});

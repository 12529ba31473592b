import { describe, expect, it } from "vitest";
import { createResumableRng, createRng, deriveSeed, deriveTrialSeed, hashKeys, shuffleInPlace } from "./rng.ts";

describe("createRng", () => {
  it("gives one sequence per key list, and different sequences for different keys", () => {
    const a = Array.from({ length: 5 }, createRng(1, 2, 3).next);
    expect(Array.from({ length: 5 }, createRng(1, 2, 3).next)).toEqual(a);
    expect(Array.from({ length: 5 }, createRng(1, 2, 4).next)).not.toEqual(a);
    expect(Array.from({ length: 5 }, createRng(2, 1, 3).next)).not.toEqual(a);
  });

  it("draws uniforms in [0, 1) with the right mean and normals with the right moments", () => {
    const r = createRng(42);
    let s = 0;
    let s2 = 0;
    let u = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const x = r.next();
      expect(x >= 0 && x < 1).toBe(true);
      u += x;
      const z = r.normal();
      s += z;
      s2 += z * z;
    }
    expect(u / n).toBeCloseTo(0.5, 1);
    expect(s / n).toBeCloseTo(0, 1);
    expect(s2 / n).toBeCloseTo(1, 1);
  });
});

describe("createResumableRng", () => {
  it("resumes the same sequence from a saved state", () => {
    const a = createResumableRng(5);
    for (let i = 0; i < 7; i++) a.next();
    const state = a.getState();
    const rest = Array.from({ length: 5 }, a.next);
    const b = createResumableRng(99);
    b.setState(state);
    expect(Array.from({ length: 5 }, b.next)).toEqual(rest);
  });
});

// The sequences every stored sweep and checkpoint was made with: a change here changes how every
// earlier result reproduces, so these values were taken from the generators before they moved here.
describe("fillUint32", () => {
  it("gives the same draws as uint32, one by one, and continues the sequence", () => {
    const a = createResumableRng(42);
    const b = createResumableRng(42);
    const bulk = new Uint32Array(1000);
    a.fillUint32(bulk);
    expect(Array.from(bulk)).toEqual(Array.from({ length: 1000 }, () => b.uint32()));
    expect(a.getState()).toBe(b.getState());
    expect(a.uint32()).toBe(b.uint32());
  });
});

describe("pinned sequences", () => {
  it("createRng (sfc32 over hashed keys) gives the sequence it always gave", () => {
    const a = createRng(1, 2, 3.5, 2 ** 40);
    expect(Array.from({ length: 4 }, () => [a.next(), a.uint32(), a.int(7), a.normal()])).toEqual([[0.6288928877945046,  1712053745,  0,  -0.42779633757215174],  [0.8442457223181291,  3342436237,  2,  -0.14084786484004053],  [0.8426485413594994,  1163088241,  4,  0.05783081747811691],  [0.7080320707895418,  1553721442,  3,  -0.07388939331789335]]);
    expect(hashKeys([5, 6, 0.25])).toBe(1331137349);
  });

  it("createResumableRng (Mulberry32), deriveSeed, shuffleInPlace and deriveTrialSeed give the values they always gave", () => {
    const m = createResumableRng(42);
    expect(Array.from({ length: 4 }, () => [m.next(), m.uint32()])).toEqual([[0.1778232182841748,  2711839145],  [0.49404995795339346,  3759587137],  [0.6176709162537009,  2058458190],  [0.6001012118067592,  37065159]]);
    m.setState(123);
    expect(m.next()).toBe(0.7872516233474016);
    expect([deriveSeed(7, "weights"), deriveSeed(7, "shuffle")]).toEqual([2548237037,  4059415178]);
    const order = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];
    shuffleInPlace(order, createResumableRng(3));
    expect(order).toEqual([6,  7,  9,  4,  0,  5,  8,  1,  2,  3]);
    expect(Array.from({ length: 4 }, (_, i) => deriveTrialSeed(7, i))).toEqual([3087263853,  4011344752,  2973829276,  3580777358]);
  });
});

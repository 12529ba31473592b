import { describe, expect, it } from "vitest";
import { createRng } from "./rng.ts";
import { latinHypercube, ScrambledHalton } from "./qmc.ts";

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

describe("quasi-random designs", () => {
  it("a Latin hypercube puts exactly one point in each of the n slices of every axis", () => {
    const pts = latinHypercube(10, 4, createRng(3));
    for (let k = 0; k < 4; k++) {
      const slices = pts.map((p) => Math.floor((p[k] as number) * 10)).sort((a, b) => a - b);
      expect(slices).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    }
  });

  it("scrambled Halton points lie in [0, 1), are reproducible, and fill every half of every axis evenly", () => {
    const h = new ScrambledHalton(5, createRng(8));
    const h2 = new ScrambledHalton(5, createRng(8));
    const n = 256;
    const low = new Array(5).fill(0);
    for (let i = 0; i < n; i++) {
      const p = h.point(i);
      expect(Array.from(p)).toEqual(Array.from(h2.point(i)));
      p.forEach((x, k) => {
        expect(x >= 0 && x < 1).toBe(true);
        if (x < 0.5) low[k]++;
      });
    }
    for (const c of low) expect(Math.abs(c - n / 2)).toBeLessThan(12);
  });
});

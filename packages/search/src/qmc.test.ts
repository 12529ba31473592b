import { describe, expect, it } from "vitest";
import { createRng } from "./rng.ts";
import { latinHypercube, ScrambledHalton } from "./qmc.ts";

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

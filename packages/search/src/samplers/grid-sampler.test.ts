import { describe, expect, it } from "vitest";
import { searchSpaceSchema } from "@hyperq/protocol";
import { GridSampler, gridSize } from "./grid-sampler.ts";
import { SearchSpaceError } from "../errors.ts";
import { configKey } from "../transform.ts";
import { DISCRETE_SPACE, MIXED_SPACE, runSequential } from "../testing/conformance.ts";

describe("gridSize", () => {
  it("multiplies listed values and int ranges enumerated by step", () => {
    expect(gridSize(searchSpaceSchema.parse({ a: [1, 2, 3], b: { type: "int", low: 16, high: 64, step: 16 }, c: "x" }))).toBe(12);
  });

  it("counts a configuration with an inactive parameter once", () => {
    // vanilla: 3·4 = 12; stacked: 3·3·4 = 36; bidir: 3·3·4·2 = 72.
    expect(gridSize(DISCRETE_SPACE)).toBe(120);
  });

  it("rejects a continuous range with a message naming the parameter and the fix", () => {
    expect(() => gridSize(MIXED_SPACE)).toThrow(SearchSpaceError);
    expect(() => gridSize(MIXED_SPACE)).toThrow(/"learning_rate" is a continuous range; write a list/);
  });
});

describe("GridSampler", () => {
  it("visits every grid point exactly once, then reports the grid exhausted", () => {
    const trials = runSequential(new GridSampler(), DISCRETE_SPACE, 2, 121);
    expect(trials).toHaveLength(120);
    expect(new Set(trials.map((t) => configKey(t.params))).size).toBe(120);
    const r = new GridSampler().ask({ space: DISCRETE_SPACE, trials, seed: 2, trialNumbers: [120], budget: 200 });
    expect(r.suggestions).toEqual([]);
    expect(r.notes[0]).toMatch(/all 120 grid points are taken/);
  });

  it("samples a grid larger than the budget without repetition, in an order that depends on the seed", () => {
    const space = searchSpaceSchema.parse({ a: { type: "int", low: 0, high: 999 }, b: [0, 1, 2, 3] });
    const ask = (seed: number) => new GridSampler().ask({ space, trials: [], seed, trialNumbers: Array.from({ length: 50 }, (_, i) => i), budget: 50 }).suggestions;
    const a = ask(1);
    expect(new Set(a.map(configKey)).size).toBe(50);
    expect(ask(1)).toEqual(a);
    expect(ask(2)).not.toEqual(a);
    // Spread over the whole grid, not its first corner.
    expect(Math.max(...a.map((p) => p.a as number))).toBeGreaterThan(800);
  });

  it("throws a SearchSpaceError on a float range", () => {
    expect(() => new GridSampler().ask({ space: MIXED_SPACE, trials: [], seed: 0, trialNumbers: [0], budget: 5 })).toThrow(SearchSpaceError);
  });
});

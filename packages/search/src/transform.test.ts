import { describe, expect, it } from "vitest";
import { searchSpaceSchema } from "@hyperq/protocol";
import { configKey, SearchSpaceTransform } from "./transform.ts";
import { createRng } from "./rng.ts";
import { assignmentProblems, MIXED_SPACE } from "./testing/conformance.ts";

describe("SearchSpaceTransform", () => {
  const tf = new SearchSpaceTransform(MIXED_SPACE);

  it("lays out one column per numeric parameter and one-hot blocks for categoricals", () => {
    // variant 3 + num_layers 1 + hidden_size 3 + learning_rate 1 + dropout 1 + batch_size 1 + seq_len 1 + head 2 + horizon 0
    expect(tf.dim).toBe(13);
    expect(tf.mixed.continuous).toHaveLength(2);
    expect(tf.mixed.discrete.map((d) => d.count)).toEqual([4, 16, 196]);
    expect(tf.mixed.categorical.map((g) => g.size)).toEqual([3, 3, 2]);
  });

  it("round-trips assignments exactly (floats to rounding)", () => {
    const p = { variant: "bidir", num_layers: 3, hidden_size: 64, learning_rate: 3e-3, dropout: 0.25, batch_size: 48, seq_len: 37, head: "mean", horizon: 1 };
    const back = tf.decode(tf.encode(p));
    expect(back).toMatchObject({ ...p, learning_rate: expect.closeTo(3e-3, 12), dropout: expect.closeTo(0.25, 12) });
    expect(Object.keys(back).sort()).toEqual(Object.keys(p).sort());
  });

  it("leaves inactive conditional parameters out and encodes them neutrally", () => {
    const p = { variant: "vanilla", hidden_size: 32, learning_rate: 1e-3, dropout: 0, batch_size: 16, seq_len: 5, horizon: 1 };
    const u = tf.encode(p);
    expect(tf.decode(u)).toEqual({ ...p, learning_rate: expect.closeTo(1e-3, 12) });
    const numLayers = tf.params.find((q) => q.name === "num_layers");
    expect(u[numLayers?.start ?? -1]).toBe(0.5);
  });

  it("maps the log scale linearly in log space and the ends of the box to the bounds", () => {
    const lr = tf.params.find((q) => q.name === "learning_rate");
    const u = new Float64Array(tf.dim).fill(0.5);
    u[lr?.start ?? -1] = 0.5;
    expect(tf.decode(u).learning_rate).toBeCloseTo(Math.sqrt(1e-4 * 1e-1), 12);
    u.fill(0);
    expect(tf.decode(u)).toMatchObject({ learning_rate: expect.closeTo(1e-4, 15), dropout: 0, batch_size: 16, seq_len: 5 });
    u.fill(1);
    expect(tf.decode(u)).toMatchObject({ learning_rate: expect.closeTo(0.1, 15), dropout: 0.5, batch_size: 256, seq_len: 200 });
  });

  it("gives each integer an equal share of the box, so uniform draws are uniform over integers", () => {
    const space = searchSpaceSchema.parse({ k: { type: "int", low: 0, high: 9, step: 3 } });
    const t = new SearchSpaceTransform(space);
    const rng = createRng(4);
    const counts = new Map<number, number>();
    for (let i = 0; i < 4000; i++) {
      const v = t.decode([rng.next()]).k as number;
      counts.set(v, (counts.get(v) ?? 0) + 1);
    }
    expect([...counts.keys()].sort((a, b) => a - b)).toEqual([0, 3, 6, 9]);
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(120);
  });

  it("decodes any point of the box to a valid assignment, and snapping is idempotent", () => {
    const rng = createRng(9);
    for (let i = 0; i < 300; i++) {
      const u = Float64Array.from({ length: tf.dim }, () => rng.next() * 1.2 - 0.1);
      expect(assignmentProblems(MIXED_SPACE, tf.decode(u))).toEqual([]);
      const s = tf.snap(Float64Array.from(u));
      expect(Array.from(tf.snap(Float64Array.from(s)))).toEqual(Array.from(s));
      expect(configKey(tf.decode(s))).toBe(configKey(tf.decode(u)));
    }
  });

  it("configKey ignores key order", () => {
    expect(configKey({ a: 1, b: "x" })).toBe(configKey({ b: "x", a: 1 }));
    expect(configKey({ a: 1 })).not.toBe(configKey({ a: "1" }));
  });
});

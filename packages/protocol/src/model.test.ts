import { describe, expect, it } from "vitest";
import { parseSweepSpec } from "./spec.ts";

const base = { name: "t", method: "random", budget: 4, epochs: 2, space: { hidden_size: [16, 32] } };

describe("keeping models and checkpoints in the spec", () => {
  it("defaults to 5 kept models and automatic checkpoints", () => {
    const r = parseSweepSpec(base);
    expect(r.ok && r.value.keepModels).toBe(5);
    expect(r.ok && r.value.checkpointEvery).toBe("auto");
    const off = parseSweepSpec({ ...base, keepModels: 0, checkpointEvery: 0 });
    expect(off.ok && [off.value.keepModels, off.value.checkpointEvery]).toEqual([0, 0]);
  });

  it("names the field and the rule for a bad value", () => {
    const r = parseSweepSpec({ ...base, keepModels: -1, checkpointEvery: "often" });
    expect(r.ok).toBe(false);
    const paths = r.ok ? [] : r.issues.map((i) => i.path);
    expect(paths).toEqual(["keepModels", "checkpointEvery"]);
    const msgs = r.ok ? [] : r.issues.map((i) => i.message).join(" | ");
    expect(msgs).toMatch(/>=0/);
    expect(msgs).toContain('must be "auto" or a whole number of epochs in 0..10000 (0: never)');
  });
});

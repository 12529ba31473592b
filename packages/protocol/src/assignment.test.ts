import { describe, expect, it } from "vitest";
import { assignmentIssues, completeAssignment } from "./assignment.ts";
import { searchSpaceSchema } from "./space.ts";
import { parseSweepSpec } from "./spec.ts";

const space = searchSpaceSchema.parse({
  variant: ["multi", "stacked"],
  num_layers: { type: "int", low: 1, high: 3, when: { variant: ["stacked"] } },
  hidden_size: { type: "int", low: 16, high: 64, step: 16 },
  dropout: { type: "float", low: 0.1, high: 0.3 },
  seq_len: 20,
});

describe("assignmentIssues", () => {
  it("accepts a point of the space, fixed parameters left out or given", () => {
    expect(assignmentIssues(space, { variant: "multi", hidden_size: 32, dropout: 0.2 })).toEqual([]);
    expect(assignmentIssues(space, { variant: "stacked", num_layers: 2, hidden_size: 16, dropout: 0.1, seq_len: 20 })).toEqual([]);
  });

  it("names the parameter and the rule for every problem", () => {
    const issues = assignmentIssues(space, { variant: "multi", num_layers: 2, hidden_size: 40, dropout: 0.5, seq_len: 30, foo: 1 });
    const byPath = Object.fromEntries(issues.map((i) => [i.path.join("."), i.message]));
    expect(byPath.foo).toMatch(/"foo" is not a parameter of `space`/);
    expect(byPath.num_layers).toMatch(/applies only when/);
    expect(byPath.hidden_size).toBe("the value must be 16 plus a multiple of step 16, but got 40");
    expect(byPath.dropout).toBe("`0.1 <= value <= 0.3` must hold, but got 0.5");
    expect(byPath.seq_len).toBe('"seq_len" is fixed at 20, but got 30');
    expect(assignmentIssues(space, { variant: "stacked", hidden_size: 16, dropout: 0.2 })).toEqual([
      { path: ["num_layers"], message: '"num_layers" is searched, so every configuration must give it a value' },
    ]);
    expect(assignmentIssues(space, { variant: "bidirectional", hidden_size: 16, dropout: 0.2 })[0]?.message).toBe('"bidirectional" is not one of "multi", "stacked"');
  });

  it("completes a configuration with the fixed parameters, as a sampler would suggest it", () => {
    expect(completeAssignment(space, { variant: "multi", hidden_size: 32, dropout: 0.2 })).toEqual({ variant: "multi", hidden_size: 32, dropout: 0.2, seq_len: 20 });
  });
});

describe("a spec's initial configurations", () => {
  const base = { name: "s", method: "gp", budget: 10, epochs: 1, space: { hidden_size: [16, 32], dropout: { type: "float", low: 0.1, high: 0.3 } } };

  it("are checked against the space, each problem at initial.<index>.<parameter>", () => {
    const r = parseSweepSpec({ ...base, initial: [{ hidden_size: 16, dropout: 0.2 }, { hidden_size: 32, dropout: 0.2 }, { hidden_size: 16, dropout: 0.9 }] });
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.issues).toEqual([{ path: "initial.2.dropout", message: "`0.1 <= value <= 0.3` must hold, but got 0.9" }]);
  });

  it("are kept as given when valid, with a warm-start sweep id", () => {
    const r = parseSweepSpec({ ...base, initial: [{ hidden_size: 32, dropout: 0.15 }], warmStartFrom: "earlier-1a2b3c" });
    expect(r.ok && r.value.initial).toEqual([{ hidden_size: 32, dropout: 0.15 }]);
    const bad = parseSweepSpec({ ...base, warmStartFrom: "Not An Id" });
    expect(!bad.ok && bad.issues[0]?.path).toBe("warmStartFrom");
  });
});

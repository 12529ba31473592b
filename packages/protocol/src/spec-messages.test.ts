import { describe, expect, it } from "vitest";
import { parseSweepSpecText } from "./spec.ts";

function issues(text: string): string[] {
  const r = parseSweepSpecText(text);
  if (r.ok) throw new Error("expected a rejection");
  return r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("spec messages", () => {
  it("a YAML syntax error names the line and column, without quoting the file", () => {
    expect(issues("name: x\ntoken: hq-secret: 42\n")).toEqual(["(file): not valid YAML or JSON: Nested mappings are not allowed in compact mappings at line 2, column 8"]);
  });
});

describe("a spec with several problems reports every one, each with field and rule", () => {
  it("fields that fail their type and rules that span fields, in one pass", () => {
    const got = issues(`name: x
method: random
budget: 0
epochs: -1
training: { hidden_size: 8 }
space:
  dropout: { type: float, low: .nan, high: 0.5 }
  bogus: [1]
  hidden_size: [8, 16]
  num_layers: { type: float, low: 1, high: 3 }
`);
    expect(got).toEqual([
      "budget: Too small: expected number to be >=1",
      "epochs: Too small: expected number to be >=1",
      "space.dropout.low: must be a finite number, but got NaN (`.nan`/`.inf` in YAML)",
      'space.bogus: unknown hyperparameter "bogus"; known: variant, hidden_size, num_layers, dropout, learning_rate, batch_size, seq_len, optimizer, momentum, schedule, step_size, gamma, t_max, weight_decay, clip_norm, bidirectional_head',
      'training.hidden_size: "hidden_size" is searched in `space`; it cannot also be fixed in `training`',
      'space.num_layers.type: "num_layers" is an integer; use `type: int`',
    ]);
  });

  it("`.inf` and a missing budget beside a broken space", () => {
    expect(issues("name: x\nmethod: gp\nepochs: .inf\nspace: 5\n")).toEqual([
      "epochs: must be a finite number, but got Infinity (`.nan`/`.inf` in YAML)",
      "space: Invalid input: expected record, received number",
      'budget: `budget` (number of trials) is required for method "gp"',
    ]);
  });

  it("10,000 copies of two values: one line per duplicated value", () => {
    const values = [...Array.from({ length: 5000 }, () => 16), ...Array.from({ length: 5000 }, () => 32), 64];
    const got = issues(JSON.stringify({ name: "x", method: "random", budget: 2, epochs: 1, space: { hidden_size: values } }));
    expect(got).toEqual(["space.hidden_size: categorical values must be unique, but 16 appears 5000 times", "space.hidden_size: categorical values must be unique, but 32 appears 5000 times"]);
    expect(issues(JSON.stringify({ name: "x", method: "random", budget: 2, epochs: 1, space: { hidden_size: [8, 8] } }))).toEqual([
      "space.hidden_size: categorical values must be unique, but 8 appears twice",
    ]);
  });
});

describe("the cross-field rules read a broken spec without throwing", () => {
  it("null, scalars, lists and fields of the wrong type give issues, not exceptions", () => {
    for (const doc of ["null", "5", "[1]", "{ method: grid, space: null, training: x, pruner: 5 }", "{ method: grid, space: { a: null, hidden_size: { type: int } } }"]) {
      const r = parseSweepSpecText(doc);
      expect(r.ok).toBe(false);
    }
    expect(issues("null")).toEqual(["(root): Invalid input: expected object, received null"]);
  });
});

import { describe, expect, it } from "vitest";
import { deriveTrialSeed } from "./rng.ts";
import { parseSweepSpec, parseSweepSpecText, resolveHyperparams } from "./spec.ts";
import { isParamActive } from "./space.ts";
import { parseTrialJobId, trialJobId } from "./keys.ts";
import { DEFAULT_HYPERPARAMS } from "./hyperparams.ts";

const base = { name: "t", method: "random", budget: 4, epochs: 2, space: { hidden_size: [16, 32] } };

function issues(input: unknown): string[] {
  const r = parseSweepSpec(input);
  if (r.ok) throw new Error("expected a rejection");
  return r.issues.map((i) => `${i.path}: ${i.message}`);
}

describe("sweep spec", () => {
  it("accepts the shorthands and fills defaults", () => {
    const r = parseSweepSpecText(`
name: demo
method: random
budget: 3
epochs: 2
space:
  hidden_size: [16, 32]
  seq_len: 20
  learning_rate: { type: float, low: 0.0001, high: 0.01, log: true }
`);
    expect(r.ok).toBe(true);
    if (!r.ok) return;
    expect(r.value.space.hidden_size).toEqual({ type: "categorical", values: [16, 32] });
    expect(r.value.space.seq_len).toEqual({ type: "fixed", value: 20 });
    expect(r.value).toMatchObject({ seed: 0, parallelism: 1, patience: 0, maxAttempts: 3, pruner: { kind: "none" } });
    expect(r.value.dataset).toMatchObject({ name: "sp500", targetTransform: "raw", split: { train: 0.7, validation: 0.15 }, horizon: 1 });
  });

  it("names the field and the rule for every problem at once", () => {
    const got = issues({
      name: "bad",
      method: "random",
      epochs: 2,
      parallelism: 0,
      extra: 1,
      space: {
        hidden_size: { type: "int", low: 64, high: 8 },
        optimizer: [],
        dropout: { type: "float", low: 0.1, high: 1.5 },
        learning_rate: { type: "float", low: 0, high: 0.1, log: true },
        bogus: 3,
      },
    });
    expect(got).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^parallelism: .*>=1/),
        expect.stringMatching(/^\(root\): Unrecognized key: "extra"/),
        "space.hidden_size: `low < high` must hold, but got low=64, high=8",
        "space.optimizer.values: a categorical parameter needs at least one value",
        "space.learning_rate: `low > 0` must hold on a log scale, but got low=0",
      ]),
    );
  });

  it("takes the GP's options and refuses others", () => {
    const r = parseSweepSpec({ ...base, method: "gp", gp: { initialTrials: 8, finalExploitation: false, replicates: 3 } });
    expect(r.ok && r.value.gp).toEqual({ initialTrials: 8, finalExploitation: false, replicates: 3 });
    const got = issues({ ...base, method: "gp", gp: { finalExploitation: "yes", candidates: 9, replicates: 11 } });
    expect(got).toEqual(
      expect.arrayContaining([expect.stringMatching(/^gp\.finalExploitation: .*boolean/), expect.stringMatching(/^gp: Unrecognized key: "candidates"/), expect.stringMatching(/^gp\.replicates: .*10/)]),
    );
  });

  it("checks values against the hyperparameter catalogue", () => {
    const got = issues({ ...base, space: { dropout: { type: "float", low: 0.1, high: 1.5 }, bogus: 3, num_layers: { type: "float", low: 1, high: 3 }, optimizer: ["adam", "lbfgs"] } });
    expect(got).toEqual(
      expect.arrayContaining([
        "space.dropout.high: must be < 1, but got 1.5",
        expect.stringMatching(/^space.bogus: unknown hyperparameter "bogus"; known: variant, hidden_size/),
        'space.num_layers.type: "num_layers" is an integer; use `type: int`',
        'space.optimizer.values.1: must be one of adam, sgd, rmsprop, but got "lbfgs"',
      ]),
    );
    expect(issues({ ...base, training: { hidden_size: 0.5 } })).toContain("training.hidden_size: must be an integer, but got 0.5");
    expect(issues({ ...base, training: { hidden_size: 64 } })).toContain('training.hidden_size: "hidden_size" is searched in `space`; it cannot also be fixed in `training`');
  });

  it("requires a budget except for grids, and listed values for grids", () => {
    expect(issues({ ...base, budget: undefined })).toContain('budget: `budget` (number of trials) is required for method "random"');
    expect(issues({ ...base, method: "grid", budget: undefined, space: { dropout: { type: "float", low: 0.1, high: 0.3 } } })).toEqual([
      "space.dropout: grid search needs listed values, but this is a continuous range; write a list such as [0.1, 0.2, 0.3]",
    ]);
    expect(parseSweepSpec({ ...base, method: "grid", budget: undefined, space: { num_layers: { type: "int", low: 1, high: 3 } } }).ok).toBe(true);
  });

  it("validates conditions and datasets", () => {
    expect(issues({ ...base, space: { num_layers: { type: "int", low: 1, high: 3, when: { variant: ["multi"] } } } })).toEqual([
      'space.num_layers.when.variant: `when` may only name a parameter declared before "num_layers", but "variant" is not',
    ]);
    expect(issues({ ...base, space: { variant: ["single", "multi"], num_layers: { type: "int", low: 1, high: 3, when: { variant: ["stacked"] } } } })).toEqual([
      'space.num_layers.when.variant: "stacked" is not a value of "variant" ("single", "multi")',
    ]);
    expect(issues({ ...base, dataset: { name: "sp500", path: "x.csv" } })).toEqual(["dataset: exactly one of `name` (a bundled dataset) and `path` (a CSV file) must be given"]);
    expect(issues({ ...base, dataset: { name: "sp500", split: { train: 0.9, validation: 0.2 } } })).toEqual([
      "dataset.split: `train + validation < 1` must hold (the rest is the test part)",
    ]);
    expect(parseSweepSpecText("name: [unclosed").ok).toBe(false);
  });

  it("resolves a trial's hyperparameters: defaults, then training, then model, then params", () => {
    const r = parseSweepSpec({ ...base, model: "stacked", training: { optimizer: "sgd", learning_rate: 0.05 } });
    if (!r.ok) throw new Error();
    const hp = resolveHyperparams(r.value, { hidden_size: 32 });
    expect(hp).toEqual({ ...DEFAULT_HYPERPARAMS, variant: "stacked", optimizer: "sgd", learning_rate: 0.05, hidden_size: 32 });
  });

  it("derives distinct, reproducible trial seeds and job ids", () => {
    const seeds = Array.from({ length: 1000 }, (_, i) => deriveTrialSeed(7, i));
    expect(new Set(seeds).size).toBe(1000);
    expect(deriveTrialSeed(7, 3)).toBe(seeds[3]);
    expect(deriveTrialSeed(8, 3)).not.toBe(seeds[3]);
    expect(seeds.every((s) => Number.isInteger(s) && s >= 0 && s < 2 ** 32)).toBe(true);
    expect(trialJobId("demo-ab12", 5)).toBe("demo-ab12#5");
    expect(parseTrialJobId("demo-ab12#5")).toEqual({ sweepId: "demo-ab12", trialNumber: 5 });
    expect(parseTrialJobId("nope")).toBeUndefined();
  });

  it("applies conditions", () => {
    const p = { type: "int" as const, low: 1, high: 3, log: false, step: 1, when: { variant: ["multi", "stacked"] } };
    expect(isParamActive(p, { variant: "multi" })).toBe(true);
    expect(isParamActive(p, { variant: "single" })).toBe(false);
    expect(isParamActive(p, {})).toBe(false);
  });
});

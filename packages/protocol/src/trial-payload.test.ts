import { describe, expect, it } from "vitest";
import { deriveTrialSeed } from "./rng.ts";
import { parseSweepSpec, resolveHyperparams } from "./spec.ts";
import { parseTrialPayload } from "./trial-payload.ts";

function goodPayload(): Record<string, unknown> {
  const r = parseSweepSpec({ name: "p", method: "random", budget: 2, epochs: 2, space: { learning_rate: { type: "float", low: 0.001, high: 0.01 } } });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const params = { learning_rate: 0.005 };
  return {
    sweepId: "s",
    trialNumber: 3,
    seed: deriveTrialSeed(r.value.seed, 3),
    params,
    hyperparams: resolveHyperparams(r.value, params),
    epochs: r.value.epochs,
    patience: r.value.patience,
    dataset: r.value.dataset,
    decisionEpochs: [1],
  };
}

describe("parseTrialPayload", () => {
  it("accepts what the coordinator enqueues, unchanged", () => {
    const p = goodPayload();
    expect(parseTrialPayload(p)).toEqual({ ok: true, value: p });
  });

  it("names each offending field and its rule", () => {
    const bad = (data: unknown) => {
      const r = parseTrialPayload(data);
      if (r.ok) throw new Error("accepted");
      return r.problem;
    };
    expect(bad(null)).toMatch(/^\(payload\): .*expected object, received null/);
    expect(bad("garbage")).toMatch(/^\(payload\): .*expected object, received string/);
    expect(bad({})).toMatch(/sweepId: .*expected string, received undefined/);
    const wrongTypes = bad({ ...goodPayload(), sweepId: 42, trialNumber: "abc" });
    expect(wrongTypes).toMatch(/^sweepId: .*expected string, received number; trialNumber: .*expected number, received string$/);
    expect(bad({ ...goodPayload(), hyperparams: { ...(goodPayload().hyperparams as object), hidden_size: 1.5 } })).toBe("hyperparams.hidden_size: must be an integer, but got 1.5");
  });
});

/**
 * The shared conformance suite every sampler must pass (after Optuna's
 * `optuna/testing/pytest_samplers.py`): suggestions in bounds, of the right types, with
 * conditional parameters present exactly when active; the same request gives the same answer;
 * pending trials are respected; no configuration is ever suggested twice.
 *
 * Used from `*.test.ts` files only (it imports vitest), so it is not exported from the package.
 */
import { describe, expect, it } from "vitest";
import { isParamActive, searchSpaceSchema, type ParamAssignment, type SearchSpace } from "@hyperq/protocol";
import type { Observation, Sampler, TrialView } from "../sampler.ts";
import { configKey } from "../transform.ts";
import { InitialConfigsSampler } from "../samplers/initial-configs.ts";

/** A mixed space: log floats, stepped and log ints, numeric and string categoricals, a fixed value, conditions. */
export const MIXED_SPACE: SearchSpace = searchSpaceSchema.parse({
  variant: ["vanilla", "stacked", "bidir"],
  num_layers: { type: "int", low: 1, high: 4, when: { variant: ["stacked", "bidir"] } },
  hidden_size: [32, 64, 128],
  learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true },
  dropout: { type: "float", low: 0, high: 0.5 },
  batch_size: { type: "int", low: 16, high: 256, step: 16 },
  seq_len: { type: "int", low: 5, high: 200, log: true },
  head: { type: "categorical", values: ["last", "mean"], when: { variant: ["bidir"] } },
  horizon: 1,
});

/** The same kinds without continuous ranges (a grid), 120 distinct points. */
export const DISCRETE_SPACE: SearchSpace = searchSpaceSchema.parse({
  variant: ["vanilla", "stacked", "bidir"],
  num_layers: { type: "int", low: 1, high: 3, when: { variant: ["stacked", "bidir"] } },
  hidden_size: [32, 64, 128],
  batch_size: { type: "int", low: 16, high: 64, step: 16 },
  head: { type: "categorical", values: ["last", "mean"], when: { variant: ["bidir"] } },
  horizon: 1,
});

/** Every way `params` breaks `space`: wrong type, out of bounds, off the step grid, inactive present or active missing. */
export function assignmentProblems(space: SearchSpace, params: ParamAssignment): string[] {
  const problems: string[] = [];
  for (const k of Object.keys(params)) if (!(k in space)) problems.push(`unknown parameter ${k}`);
  for (const [name, p] of Object.entries(space)) {
    const active = isParamActive(p, params);
    const v = params[name];
    if (!active) {
      if (v !== undefined) problems.push(`${name} is inactive but present (${JSON.stringify(v)})`);
      continue;
    }
    if (v === undefined) {
      problems.push(`${name} is active but missing`);
      continue;
    }
    switch (p.type) {
      case "fixed":
        if (v !== p.value) problems.push(`${name}=${JSON.stringify(v)} is not the fixed ${JSON.stringify(p.value)}`);
        break;
      case "categorical":
        if (!p.values.some((x) => x === v)) problems.push(`${name}=${JSON.stringify(v)} is not one of ${JSON.stringify(p.values)}`);
        break;
      case "float":
        if (typeof v !== "number" || !(v >= p.low && v <= p.high)) problems.push(`${name}=${JSON.stringify(v)} is outside [${p.low}, ${p.high}]`);
        break;
      case "int":
        if (typeof v !== "number" || !Number.isInteger(v) || v < p.low || v > p.high || (v - p.low) % p.step !== 0) {
          problems.push(`${name}=${JSON.stringify(v)} is not an integer of ${p.low}..${p.high} step ${p.step}`);
        }
        break;
    }
  }
  return problems;
}

/** A deterministic synthetic objective over any assignment. */
export function syntheticObjective(params: ParamAssignment): number {
  let s = 0;
  for (const [k, v] of Object.entries(params)) {
    const x = typeof v === "number" ? Math.log1p(Math.abs(v)) : typeof v === "string" ? v.length : v ? 1 : 0;
    s += Math.sin(x * (k.length + 1)) + 0.1 * x;
  }
  return s;
}

/** Runs `count` sequential trials, each completed with the synthetic objective. */
export function runSequential(sampler: Sampler, space: SearchSpace, seed: number, count: number, history: TrialView[] = []): TrialView[] {
  const trials = [...history];
  for (let i = 0; i < count; i++) {
    const number = trials.length;
    const r = sampler.ask({ space, trials, seed, trialNumbers: [number], budget: count + history.length });
    const params = r.suggestions[0];
    if (!params) break;
    trials.push({ number, state: "complete", params, value: syntheticObjective(params) });
  }
  return trials;
}

export interface ConformanceOptions {
  /** Whether the sampler handles continuous ranges (grid does not). */
  continuous: boolean;
  /** Sequential trials per run. @defaultValue 14 */
  trials?: number;
}

export function samplerConformanceSuite(label: string, make: () => Sampler, o: ConformanceOptions): void {
  const spaces: [string, SearchSpace][] = o.continuous ? [["mixed", MIXED_SPACE], ["discrete", DISCRETE_SPACE]] : [["discrete", DISCRETE_SPACE]];
  const count = o.trials ?? 14;

  describe(`${label}: sampler conformance`, () => {
    for (const [spaceName, space] of spaces) {
      it(`suggests valid, distinct configurations on the ${spaceName} space`, () => {
        const trials = runSequential(make(), space, 3, count);
        expect(trials).toHaveLength(count);
        for (const t of trials) expect(assignmentProblems(space, t.params)).toEqual([]);
        expect(new Set(trials.map((t) => configKey(t.params))).size).toBe(count);
      });

      it(`is deterministic on the ${spaceName} space: same seed, same suggestions; another seed, others`, () => {
        const a = runSequential(make(), space, 11, 8).map((t) => t.params);
        const b = runSequential(make(), space, 11, 8).map((t) => t.params);
        const c = runSequential(make(), space, 12, 8).map((t) => t.params);
        expect(b).toEqual(a);
        expect(c).not.toEqual(a);
      });
    }

    const space = o.continuous ? MIXED_SPACE : DISCRETE_SPACE;

    it("answers the same request the same way, on one instance and on a fresh one", () => {
      const sampler = make();
      const trials = runSequential(sampler, space, 5, 9);
      const req = { space, trials, seed: 5, trialNumbers: [9, 10], budget: 20 };
      const first = sampler.ask(req);
      expect(sampler.ask(req)).toEqual(first);
      expect(make().ask(req)).toEqual(first);
    });

    it("gives one suggestion per trial number, all distinct and none repeating a pending or finished trial", () => {
      const done = runSequential(make(), space, 7, 9);
      const trials: TrialView[] = done.map((t, i) => (i >= 6 ? { number: t.number, state: i === 8 ? "waiting" : "running", params: t.params } : t));
      const r = make().ask({ space, trials, seed: 7, trialNumbers: [9, 10, 11, 12], budget: 20 });
      expect(r.suggestions).toHaveLength(4);
      const keys = new Set(trials.map((t) => configKey(t.params)));
      for (const p of r.suggestions) {
        expect(assignmentProblems(space, p)).toEqual([]);
        expect(keys.has(configKey(p))).toBe(false);
        keys.add(configKey(p));
      }
    });

    it("goes on after failed, diverged and pruned trials", () => {
      const done = runSequential(make(), space, 9, 8);
      const trials: TrialView[] = done.map((t, i) =>
        i === 2 ? { number: t.number, state: "failed", params: t.params } : i === 3 ? { ...t, value: NaN } : i === 4 ? { ...t, value: Infinity } : i === 5 ? { number: t.number, state: "pruned", params: t.params, intermediate: 3 } : t,
      );
      const r = make().ask({ space, trials, seed: 9, trialNumbers: [8, 9], budget: 20 });
      expect(r.suggestions).toHaveLength(2);
      for (const p of r.suggestions) expect(assignmentProblems(space, p)).toEqual([]);
    });

    it("runs initial configurations first, in order, then goes on without repeating them", () => {
      const given = runSequential(make(), space, 99, 3).map((t) => t.params);
      // A configuration given twice runs once.
      const sampler = new InitialConfigsSampler(make(), [given[0]!, given[1]!, given[0]!, given[2]!]);
      const trials = runSequential(sampler, space, 4, 7);
      expect(trials.slice(0, 3).map((t) => t.params)).toEqual(given);
      expect(new Set(trials.map((t) => configKey(t.params))).size).toBe(7);
      for (const t of trials) expect(assignmentProblems(space, t.params)).toEqual([]);
      // Asked in one batch, with the first already run: the rest of the given ones come first.
      const batch = sampler.ask({ space, trials: trials.slice(0, 1), seed: 4, trialNumbers: [1, 2, 3], budget: 10 });
      expect(batch.suggestions.slice(0, 2)).toEqual(given.slice(1));
    });

    it("takes observations from elsewhere into its history and never suggests them again", () => {
      const observations: Observation[] = runSequential(make(), space, 21, 6).map((t) => ({ params: t.params, value: t.value! }));
      const r = make().ask({ space, trials: [], seed: 21, trialNumbers: [0, 1, 2, 3], budget: 10, observations });
      expect(r.suggestions).toHaveLength(4);
      const known = new Set(observations.map((o) => configKey(o.params)));
      for (const p of r.suggestions) {
        expect(assignmentProblems(space, p)).toEqual([]);
        expect(known.has(configKey(p))).toBe(false);
      }
      const tiny: SearchSpace = searchSpaceSchema.parse({ a: [1, 2, 3], b: ["x", "y"] });
      const all = runSequential(make(), tiny, 2, 6).map((t) => ({ params: t.params, value: t.value! }));
      const left = make().ask({ space: tiny, trials: [], seed: 2, trialNumbers: [0], budget: 3, observations: all.slice(0, 5) });
      expect(left.suggestions).toEqual([all[5]!.params]);
    });

    it("never repeats a configuration of a small finite space, then reports it exhausted", () => {
      const tiny: SearchSpace = searchSpaceSchema.parse({ a: [1, 2, 3], b: ["x", "y"], c: 7 });
      const sampler = make();
      const trials = runSequential(sampler, tiny, 1, 6);
      expect(new Set(trials.map((t) => configKey(t.params))).size).toBe(6);
      const r = sampler.ask({ space: tiny, trials, seed: 1, trialNumbers: [6], budget: 10 });
      expect(r.suggestions).toHaveLength(0);
      expect(r.notes.join(" ")).toMatch(/exhausted|taken/);
    });
  });
}

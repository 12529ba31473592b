import { isParamActive, type ParamAssignment, type ParamSpec, type ParamValue, type SearchSpace } from "@hyperq/protocol";
import type { AskRequest, AskResult, Sampler } from "../sampler.ts";
import { configKey } from "../transform.ts";
import { createRng, hashKeys, STREAM } from "../rng.ts";
import { SearchSpaceError } from "../errors.ts";
import { fullHistory, takenKeys } from "./history.ts";

/**
 * Grid search: the full product of every parameter's values (integer ranges enumerated by step),
 * visited lazily in a seeded pseudo-random order, so a grid larger than the budget is a sample
 * without repetition. Conditional parameters: a configuration where a parameter is inactive is
 * one grid point, not one per value of that parameter. Points already in the history (pending,
 * complete, failed or pruned) are skipped: a failed configuration is not retried. A float range
 * has no grid: asking for one throws `SearchSpaceError`.
 */
export class GridSampler implements Sampler {
  readonly name = "grid";

  ask(req: AskRequest): AskResult {
    const grid = new LazyGrid(req.space, req.seed);
    const taken = takenKeys(fullHistory(req));
    const suggestions: ParamAssignment[] = [];
    const notes: string[] = [];
    for (let i = 0; i < grid.size && suggestions.length < req.trialNumbers.length; i++) {
      const p = grid.at(i);
      if (!p) continue;
      const key = configKey(p);
      if (taken.has(key)) continue;
      taken.add(key);
      suggestions.push(p);
    }
    if (suggestions.length < req.trialNumbers.length) {
      notes.push(`grid: all ${gridSize(req.space)} grid points are taken; ${suggestions.length} of ${req.trialNumbers.length} suggestions given`);
    }
    return { suggestions, notes };
  }
}

function paramValues(name: string, p: ParamSpec): ParamValue[] {
  switch (p.type) {
    case "fixed":
      return [p.value];
    case "categorical":
      return [...p.values];
    case "int": {
      const count = Math.floor((p.high - p.low) / p.step + 1e-9) + 1;
      return Array.from({ length: count }, (_, j) => p.low + j * p.step);
    }
    case "float":
      throw new SearchSpaceError(`grid search needs listed values, but "${name}" is a continuous range; write a list such as [0.1, 0.2, 0.3]`, name);
  }
}

/**
 * The grid's full product, indexed 0…N−1 (mixed radix, first parameter fastest) and visited
 * through a seeded bijection of [0, N): a 4-round Feistel network on the next even power of two,
 * with cycle walking (Black & Rogaway 2002). `at(i)` is the i-th point in that order, or
 * `undefined` when index i is a duplicate of another point (an inactive parameter not at its first
 * value).
 */
export class LazyGrid {
  readonly size: number;
  private readonly names: string[];
  private readonly specs: ParamSpec[];
  private readonly values: ParamValue[][];
  private readonly halfBits: number;
  private readonly keys: number[];

  constructor(space: SearchSpace, seed: number) {
    this.names = Object.keys(space);
    this.specs = Object.values(space);
    this.values = this.names.map((n, i) => paramValues(n, this.specs[i] as ParamSpec));
    this.size = this.values.reduce((s, v) => s * v.length, 1);
    let bits = 2;
    while (2 ** bits < this.size) bits++;
    this.halfBits = Math.ceil(bits / 2);
    const rng = createRng(seed, STREAM.grid);
    this.keys = [rng.uint32(), rng.uint32(), rng.uint32(), rng.uint32()];
  }

  private permute(i: number): number {
    const hb = this.halfBits;
    const mod = 2 ** hb;
    let x = i;
    do {
      let left = Math.floor(x / mod);
      let right = x % mod;
      for (const k of this.keys) {
        const f = hashKeys([right, k]) % mod;
        const next = (left + f) % mod;
        left = right;
        right = next;
      }
      x = left * mod + right;
    } while (x >= this.size);
    return x;
  }

  /** The i-th grid point in the seeded order, or `undefined` if it duplicates another point. */
  at(i: number): ParamAssignment | undefined {
    let idx = this.permute(i);
    const out: ParamAssignment = {};
    for (let k = 0; k < this.names.length; k++) {
      const vals = this.values[k] as ParamValue[];
      const digit = idx % vals.length;
      idx = Math.floor(idx / vals.length);
      if (isParamActive(this.specs[k] as ParamSpec, out)) out[this.names[k] as string] = vals[digit] as ParamValue;
      else if (digit !== 0) return undefined;
    }
    return out;
  }
}

/** Number of distinct grid points (integer ranges enumerated by step; inactive parameters count once). */
export function gridSize(space: SearchSpace): number {
  const names = Object.keys(space);
  const specs = Object.values(space);
  const values = names.map((n, i) => paramValues(n, specs[i] as ParamSpec));
  if (specs.every((s) => !s.when)) return values.reduce((s, v) => s * v.length, 1);
  const count = (k: number, partial: ParamAssignment): number => {
    if (k === names.length) return 1;
    const spec = specs[k] as ParamSpec;
    if (!isParamActive(spec, partial)) return count(k + 1, partial);
    let total = 0;
    const name = names[k] as string;
    for (const v of values[k] as ParamValue[]) {
      partial[name] = v;
      total += count(k + 1, partial);
    }
    delete partial[name];
    return total;
  };
  return count(0, {});
}

/** The r-th (mod their number) grid point not in `taken`, or `undefined` when every point is taken. */
export function nthUnusedGridPoint(space: SearchSpace, seed: number, taken: ReadonlySet<string>, r: number): ParamAssignment | undefined {
  const grid = new LazyGrid(space, seed);
  const unused: ParamAssignment[] = [];
  for (let i = 0; i < grid.size; i++) {
    const p = grid.at(i);
    if (p && !taken.has(configKey(p))) unused.push(p);
  }
  return unused.length ? unused[r % unused.length] : undefined;
}

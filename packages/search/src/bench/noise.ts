import { createRng } from "../rng.ts";
import { RandomSampler } from "../samplers/random-sampler.ts";
import type { BenchObjective } from "./functions.ts";

/** Observation noise of a benchmark: an absolute standard deviation, or a fraction of the function's range. */
export type NoiseLevel = { kind: "absolute"; sd: number } | { kind: "relative"; fraction: number };

/**
 * Parses `--noise`: `0.1` is an absolute standard deviation, `10%` a fraction of the function's
 * range (`functionRange`). Throws a one-line error naming the flag and the rule.
 */
export function parseNoise(raw: string): NoiseLevel {
  const s = raw.trim();
  const pct = s.endsWith("%");
  const v = Number(pct ? s.slice(0, -1) : s);
  if (s === "" || s === "%" || !Number.isFinite(v) || v < 0) throw new Error(`--noise must be a non-negative number (an absolute sd) or a percentage such as 10%, but got ${JSON.stringify(raw)}`);
  return pct ? { kind: "relative", fraction: v / 100 } : { kind: "absolute", sd: v };
}

/** How a noise level prints: `0.1` or `10%`. */
export function formatNoise(n: NoiseLevel): string {
  return n.kind === "absolute" ? String(n.sd) : `${+(n.fraction * 100).toPrecision(6)}%`;
}

/** Points drawn to measure a function's range. */
const RANGE_POINTS = 2048;

/**
 * The range a relative noise level refers to: the median of the function over uniformly random
 * configurations (2048 seeded draws of the random sampler) minus its known minimum, i.e. the
 * span a search covers from a typical configuration to the best one. Not the maximum minus the
 * minimum: on Rosenbrock-4 that is about 10⁶ while a typical configuration scores about 10⁴,
 * and 10% of it would drown every value a search sees. Hartmann-6: about 3.2 (so 10% ≈ sd 0.3).
 */
export function functionRange(objective: BenchObjective): number {
  const trialNumbers = Array.from({ length: RANGE_POINTS }, (_, i) => i);
  const { suggestions } = new RandomSampler().ask({ space: objective.space, trials: [], seed: 0x5eed, trialNumbers, budget: RANGE_POINTS });
  const values = suggestions.map((p) => objective.evaluate(p)).sort((a, b) => a - b);
  const median = ((values[(values.length - 1) >> 1] as number) + (values[values.length >> 1] as number)) / 2;
  return median - objective.minimum;
}

/** The absolute noise standard deviation of `level` on `objective`. */
export function noiseSd(objective: BenchObjective, level: NoiseLevel): number {
  return level.kind === "absolute" ? level.sd : level.fraction * functionRange(objective);
}

/** Stream tag of the benchmark's noise draws (apart from every sampler stream). */
const NOISE_STREAM = 0x4e01;

/**
 * The noise added to trial `number`'s observation in run `seed`: Gaussian with standard
 * deviation `sd`, a function of (seed, number) alone, so every sampler of one seed sees the same
 * draw for its n-th trial.
 */
export function noiseDraw(seed: number, number: number, sd: number): number {
  return sd === 0 ? 0 : sd * createRng(seed, number, NOISE_STREAM).normal();
}

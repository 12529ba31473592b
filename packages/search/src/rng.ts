/**
 * This package's randomness: the one seeded generator of `@hyperq/protocol` (every draw here comes
 * from it, never from `Math.random()`, so a sampler's answer is a function of its inputs), and the
 * stream tags that keep draws for different purposes apart, e.g.
 * `createRng(sweepSeed, trialNumber, STREAM.random)`.
 */
export { createRng, hashKeys } from "@hyperq/protocol";
export type { Rng } from "@hyperq/protocol";

/** Stream tags: one per purpose, so draws for different purposes never share a stream. */
export const STREAM = {
  random: 1,
  grid: 2,
  initialDesign: 3,
  candidates: 4,
  fitRestarts: 5,
  subsample: 6,
  fallback: 7,
  fitSubset: 8,
} as const;

/**
 * The search benchmark harness (`@hyperq/search/bench`): standard test functions with known optima
 * and a loop that runs a sampler against one. Used by `scripts/bench-search.ts` and the samplers'
 * tests; not part of the package's main face, which is for callers that search real objectives.
 *
 * ```ts
 * import { branin, runSampler } from "@hyperq/search/bench";
 * ```
 */
export { BENCH_FUNCTIONS, branin, hartmann6, rosenbrock4 } from "./functions.ts";
export type { BenchObjective } from "./functions.ts";
export { runSampler } from "./run.ts";
export type { RunOptions, RunResult } from "./run.ts";
export { lstmShaped } from "./lstm-shaped.ts";
export { parseNoise, formatNoise, functionRange, noiseSd, noiseDraw } from "./noise.ts";
export type { NoiseLevel } from "./noise.ts";
export { runNoisy } from "./run-noisy.ts";
export type { NoisyRunOptions, NoisyRunResult } from "./run-noisy.ts";

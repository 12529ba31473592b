/**
 * @hyperq/search — the search-space transform and the samplers (grid, random, GP Bayesian
 * optimization). Pure: no Redis, no clock; a sampler's answer is a function of its request.
 *
 * ```ts
 * import { createSampler } from "@hyperq/search";
 * const sampler = createSampler("gp", spec.gp);
 * const { suggestions, notes } = sampler.ask({
 *   space: spec.space,
 *   trials,                 // every trial of the sweep so far, pending ones included
 *   seed: spec.seed,
 *   trialNumbers: [12, 13], // one suggestion per new trial
 *   budget: spec.budget,
 * });
 * for (const note of notes) events.push({ type: "sampler-note", message: note });
 * ```
 */
export type { TrialView, Observation, AskRequest, AskResult, Sampler, RecommendRequest } from "./sampler.ts";
export { createSampler } from "./create-sampler.ts";
export { GridSampler, gridSize } from "./samplers/grid-sampler.ts";
export { RandomSampler } from "./samplers/random-sampler.ts";
export { GpSampler } from "./samplers/gp-sampler.ts";
export { InitialConfigsSampler } from "./samplers/initial-configs.ts";
export type { GpSamplerOptions } from "./samplers/gp-sampler.ts";
export { SearchSpaceTransform, configKey } from "./transform.ts";
export type { EncodedParam, EncodedKind, MixedSpace, DiscreteColumn, OneHotGroup } from "./transform.ts";
export { SearchSpaceError, NumericalError } from "./errors.ts";
export { recommend, bestObserved } from "./recommend.ts";
export type { Pruner, PruneRequest, PruneDecision } from "./pruners/pruner.ts";
export { createPruner } from "./pruners/create-pruner.ts";
export { NonePruner } from "./pruners/none-pruner.ts";
export { MedianPruner } from "./pruners/median-pruner.ts";
export type { MedianPrunerOptions } from "./pruners/median-pruner.ts";
export { AshaPruner } from "./pruners/asha-pruner.ts";
export type { AshaPrunerOptions } from "./pruners/asha-pruner.ts";

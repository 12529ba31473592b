import type { GpOptions, ParamAssignment, SearchMethod } from "@hyperq/protocol";
import type { Sampler } from "./sampler.ts";
import { GridSampler } from "./samplers/grid-sampler.ts";
import { RandomSampler } from "./samplers/random-sampler.ts";
import { GpSampler, type GpSamplerOptions } from "./samplers/gp-sampler.ts";
import { InitialConfigsSampler } from "./samplers/initial-configs.ts";

/**
 * The sampler for a sweep's `method`; `options` (the spec's `gp` block) apply to `gp` only;
 * `initial` (the spec's `initial` configurations) run first, whatever the method.
 */
export function createSampler(method: SearchMethod, options?: GpOptions | GpSamplerOptions, initial?: readonly ParamAssignment[]): Sampler {
  const sampler = methodSampler(method, options);
  return initial?.length ? new InitialConfigsSampler(sampler, initial) : sampler;
}

function methodSampler(method: SearchMethod, options?: GpOptions | GpSamplerOptions): Sampler {
  switch (method) {
    case "grid":
      return new GridSampler();
    case "random":
      return new RandomSampler();
    case "gp":
      return new GpSampler(options ?? {});
  }
}

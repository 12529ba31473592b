import type { ParamAssignment } from "@hyperq/protocol";
import type { RecommendRequest, Sampler, TrialView } from "./sampler.ts";
import { observedValue } from "./samplers/history.ts";

/** The finished trial with the lowest finite observed value (ties: the earliest), or undefined. */
export function bestObserved(trials: readonly TrialView[]): TrialView | undefined {
  let best: TrialView | undefined;
  let bestV = Infinity;
  for (const t of trials) {
    const v = observedValue(t);
    if (typeof v === "number" && v < bestV) {
      best = t;
      bestV = v;
    }
  }
  return best;
}

/**
 * The configuration `sampler` recommends after `req.trials`: its own `recommend` when it has one
 * and that answers, otherwise the best observed configuration. Undefined when nothing finished.
 */
export function recommend(sampler: Sampler, req: RecommendRequest): ParamAssignment | undefined {
  return sampler.recommend?.(req) ?? bestObserved(req.trials)?.params;
}

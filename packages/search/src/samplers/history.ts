import type { AskRequest, TrialView } from "../sampler.ts";
import { configKey } from "../transform.ts";

/** Keys of every configuration in the history (pending and finished): none may be suggested again. */
export function takenKeys(trials: readonly TrialView[]): Set<string> {
  const s = new Set<string>();
  for (const t of trials) s.add(configKey(t.params));
  return s;
}

export function isPending(t: TrialView): boolean {
  return t.state === "waiting" || t.state === "running";
}

/**
 * The value a finished trial contributes to a model, per the rules on `TrialView`: a finite
 * number, `"worst"` (failed, diverged, or pruned without a finite intermediate), or `undefined`
 * for pending trials.
 */
export function observedValue(t: TrialView): number | "worst" | undefined {
  switch (t.state) {
    case "waiting":
    case "running":
      return undefined;
    case "complete":
      return t.value !== undefined && Number.isFinite(t.value) ? t.value : "worst";
    case "pruned":
      return t.intermediate !== undefined && Number.isFinite(t.intermediate) ? t.intermediate : "worst";
    case "failed":
      return "worst";
  }
}

/**
 * The history a sampler models: the request's observations (as complete trials numbered −1, −2, …)
 * followed by the sweep's own trials.
 */
export function fullHistory(req: Pick<AskRequest, "trials" | "observations">): readonly TrialView[] {
  if (!req.observations?.length) return req.trials;
  const seen: TrialView[] = req.observations.map((o, i) => ({ number: -1 - i, state: "complete", params: o.params, value: o.value }));
  return [...seen, ...req.trials];
}

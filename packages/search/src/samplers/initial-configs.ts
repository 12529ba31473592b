import { completeAssignment, type ParamAssignment } from "@hyperq/protocol";
import type { AskRequest, AskResult, Sampler, TrialView } from "../sampler.ts";
import { configKey } from "../transform.ts";
import { fullHistory, takenKeys } from "./history.ts";

/**
 * Runs given configurations first (Optuna's `enqueue_trial`), then hands over to another sampler
 * that sees them in its history. Still a pure function of the request: a configuration is "to run"
 * while no trial or observation of the history has it, so a restarted coordinator resumes where
 * the last one stopped, and one that failed is not retried. For a grid, a given configuration
 * that is a grid point takes that point's place (the grid skips configurations in the history).
 */
export class InitialConfigsSampler implements Sampler {
  readonly name: string;

  /** `initial`: points of the space to ask for (fixed parameters may be left out), in order. */
  constructor(
    private readonly inner: Sampler,
    private readonly initial: readonly ParamAssignment[],
  ) {
    this.name = inner.name;
  }

  ask(req: AskRequest): AskResult {
    const taken = takenKeys(fullHistory(req));
    const first: ParamAssignment[] = [];
    for (const given of this.initial) {
      if (first.length === req.trialNumbers.length) break;
      const p = completeAssignment(req.space, given);
      const key = configKey(p);
      if (taken.has(key)) continue;
      taken.add(key);
      first.push(p);
    }
    const rest = req.trialNumbers.slice(first.length);
    if (rest.length === 0) return { suggestions: first, notes: [] };
    const asked: TrialView[] = first.map((params, i) => ({ number: req.trialNumbers[i] as number, state: "waiting", params }));
    const r = this.inner.ask({ ...req, trials: [...req.trials, ...asked], trialNumbers: rest });
    return { suggestions: [...first, ...r.suggestions], notes: r.notes };
  }
}

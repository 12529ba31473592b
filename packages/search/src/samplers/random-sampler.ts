import type { ParamAssignment } from "@hyperq/protocol";
import type { AskRequest, AskResult, Sampler } from "../sampler.ts";
import { configKey, SearchSpaceTransform } from "../transform.ts";
import { createRng, STREAM } from "../rng.ts";
import { fullHistory, takenKeys } from "./history.ts";
import { nthUnusedGridPoint } from "./grid-sampler.ts";

/** Redraws before a finite space is treated as nearly full and its unused points enumerated. */
const MAX_REDRAWS = 64;

/**
 * Uniform random search. Trial t's draw comes from the stream (seed, t) alone, so two coordinators,
 * or one restarted, produce the same sequence. A draw that repeats a configuration already in the
 * history (or earlier in the same ask) is redrawn from the same stream; in a finite space that
 * keeps colliding, an unused point is picked from the grid, and when none is left the space is
 * exhausted and fewer suggestions come back.
 */
export class RandomSampler implements Sampler {
  readonly name = "random";

  ask(req: AskRequest): AskResult {
    const tf = new SearchSpaceTransform(req.space);
    const taken = takenKeys(fullHistory(req));
    const suggestions: ParamAssignment[] = [];
    const notes: string[] = [];
    for (const number of req.trialNumbers) {
      const rng = createRng(req.seed, number, STREAM.random);
      let chosen: ParamAssignment | undefined;
      for (let attempt = 0; attempt < MAX_REDRAWS && !chosen; attempt++) {
        const u = Float64Array.from({ length: tf.dim }, () => rng.next());
        const p = tf.fromUniform(u);
        if (!taken.has(configKey(p))) chosen = p;
      }
      if (!chosen && tf.isFinite()) chosen = nthUnusedGridPoint(req.space, req.seed, taken, rng.int(2 ** 31));
      if (!chosen) {
        notes.push(`random: the search space is exhausted after ${taken.size} distinct configurations`);
        break;
      }
      taken.add(configKey(chosen));
      suggestions.push(chosen);
    }
    return { suggestions, notes };
  }
}

import type { Pruner, PruneDecision } from "./pruner.ts";

/** Never prunes. */
export class NonePruner implements Pruner {
  readonly name = "none";
  decidesAt(): boolean {
    return false;
  }
  decide(): PruneDecision {
    return { prune: false };
  }
}

import type { PrunerSpec } from "@hyperq/protocol";
import { AshaPruner } from "./asha-pruner.ts";
import { MedianPruner } from "./median-pruner.ts";
import { NonePruner } from "./none-pruner.ts";
import type { Pruner } from "./pruner.ts";

/** The pruner a sweep spec names; `epochs` is the sweep's epoch budget (ASHA's default max). */
export function createPruner(spec: PrunerSpec, epochs: number): Pruner {
  switch (spec.kind) {
    case "none":
      return new NonePruner();
    case "median":
      return new MedianPruner({ warmupEpochs: spec.warmupEpochs, minTrials: spec.minTrials });
    case "asha":
      return new AshaPruner({ minEpochs: spec.minEpochs, reductionFactor: spec.reductionFactor, maxEpochs: spec.maxEpochs ?? epochs });
  }
}

import type { Logger, TrialMetrics, TrialPayload } from "@hyperq/protocol";
import { packModel } from "@hyperq/forecaster";
import type { WeightSnapshot } from "@hyperq/models";
import type { PutModelResult, SweepStore } from "@hyperq/store";
import type { DatasetMeta } from "@hyperq/timeseries";

/** What keeping a model cost and did. */
export interface KeepModelOutcome {
  result: PutModelResult | { kept: false; reason: "error" };
  bytes: number;
  /** Packing and storing, wall-clock. */
  ms: number;
}

/**
 * Offers a just-completed trial's best-epoch weights to the store, which keeps them while the
 * trial ranks in the sweep's top `keepModels`. The trial is already complete: a failure here is
 * logged and leaves it without a stored model (evaluation then retrains it), never fails it.
 */
export async function keepModel(
  store: SweepStore,
  payload: TrialPayload,
  token: string,
  data: DatasetMeta,
  weights: readonly WeightSnapshot[],
  metrics: TrialMetrics,
  log: Logger,
): Promise<KeepModelOutcome> {
  const started = performance.now();
  const where = { sweepId: payload.sweepId, trial: payload.trialNumber };
  let bytes = 0;
  try {
    const pkg = packModel({
      sweepId: payload.sweepId,
      trial: payload.trialNumber,
      hyperparams: payload.hyperparams,
      data,
      scores: { valLoss: metrics.valLoss, valMae: metrics.valMae, bestEpoch: metrics.bestEpoch },
      weights,
    });
    bytes = pkg.weights.byteLength;
    const result = await store.putModel(payload.sweepId, payload.trialNumber, token, pkg);
    const ms = Math.round(performance.now() - started);
    if (result.kept) log.info({ ...where, bytes, ms, evicted: result.evicted }, "model kept");
    else log.debug({ ...where, reason: result.reason, ms }, "model not kept");
    return { result, bytes, ms };
  } catch (e) {
    log.warn({ ...where, err: (e as Error).message }, "model could not be stored; the trial stays complete without it");
    return { result: { kept: false, reason: "error" }, bytes, ms: Math.round(performance.now() - started) };
  }
}

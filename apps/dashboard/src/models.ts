import type { SweepRecord, SweepStore } from "@hyperq/store";

/** What the sweep page shows of the models a sweep keeps. */
export interface KeptModelsSummary {
  /** The spec's bound (0: the sweep keeps none). */
  keepModels: number;
  /** Trials whose models are kept, best first. */
  trials: number[];
  /** Manifests and weights together. */
  bytes: number;
}

/** The kept models of a sweep, for `GET /api/sweeps/:id`. */
export async function keptModelsSummary(store: SweepStore, sweep: SweepRecord): Promise<KeptModelsSummary> {
  const kept = await store.listModels(sweep.id);
  return {
    keepModels: (sweep.spec as { keepModels?: number }).keepModels ?? 5,
    trials: kept.map((m) => m.trial),
    bytes: kept.reduce((n, m) => n + m.bytes, 0),
  };
}

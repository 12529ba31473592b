import { basename } from "node:path";
import type { SweepState, TrialState } from "@hyperq/protocol";
import { finishedCount, type SweepRecord } from "@hyperq/store";

/** A summary row of the sweeps page. */
export interface SweepSummary {
  id: string;
  name: string;
  state: SweepState;
  method: string;
  budget: number;
  /** Finished trials (complete, pruned, failed). */
  done: number;
  counts: Record<TrialState, number>;
  best: { trial: number; valLoss: number } | null;
  createdAt: number;
  finishedAt: number | null;
  durationMs: number;
  dataset: { source: string; target: string; horizon: number; targetTransform: string };
  epochs: number;
  parallelism: number;
  /** A warm-started sweep's source and how many observations it took from it. */
  warmStart: { from: string; observations: number } | null;
}

const DEFAULT_TARGETS: Record<string, string> = { sp500: "close", "seattle-weather": "temp_max" };

export function summarizeSweep(s: SweepRecord, now: number): SweepSummary {
  const d = s.spec.dataset;
  const source = d.name ?? (d.path === undefined ? "?" : basename(d.path));
  return {
    id: s.id,
    name: s.name,
    state: s.state,
    method: s.spec.method,
    budget: s.budget,
    done: finishedCount(s.counts),
    counts: s.counts,
    best: s.best ?? null,
    createdAt: s.createdAt,
    finishedAt: s.finishedAt ?? null,
    durationMs: (s.finishedAt ?? now) - s.createdAt,
    dataset: { source, target: d.target ?? DEFAULT_TARGETS[source] ?? "(default)", horizon: d.horizon, targetTransform: d.targetTransform },
    epochs: s.spec.epochs,
    parallelism: s.spec.parallelism,
    warmStart: s.warmStart ?? null,
  };
}

/** The spec as the dashboard shows it: a user dataset by its file name, not the launcher's path. */
export function publicSpec(spec: SweepRecord["spec"]): SweepRecord["spec"] {
  const d = spec.dataset;
  return d.path === undefined ? spec : { ...spec, dataset: { ...d, path: basename(d.path) } };
}

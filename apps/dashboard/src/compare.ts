import type { TrialMetrics, TrialRecord } from "@hyperq/protocol";
import { finishedCount, type SweepRecord, type SweepStore } from "@hyperq/store";

/** One sweep's line in a comparison: its best complete trial against the naive forecast (and the best baseline, when results carry one). */
export interface ComparisonRow {
  id: string;
  name: string;
  method: string;
  state: string;
  budget: number;
  /** Finished trials (complete, pruned, failed). */
  done: number;
  /** Set for a warm-started sweep: where its observations came from and how many. */
  warmStart: { from: string; observations: number } | null;
  bestTrial: number | null;
  bestValLoss: number | null;
  bestValMae: number | null;
  naiveMae: number | null;
  /** Best val MAE / naive MAE: below 1 beats "tomorrow equals today". */
  ratioToNaive: number | null;
  /** The best baseline's MAE (`metrics.baselines`; null for results stored before baselines) and its name. */
  baselineMae: number | null;
  baseline: string | null;
  ratioToBaseline: number | null;
}

/** Best validation loss so far, by trial number and by seconds since the sweep was created. */
export interface BestSoFarCurve {
  id: string;
  byTrial: [trial: number, best: number][];
  byTime: [seconds: number, best: number][];
}

export interface SweepComparison {
  rows: ComparisonRow[];
  curves: BestSoFarCurve[];
}

/** The best baseline's validation MAE of a result (`metrics.baselines`), or null for results stored before baselines. */
export function bestBaselineMae(metrics: TrialMetrics | undefined): number | null {
  const b = metrics?.baselines;
  return b ? (b[b.best]?.mae ?? null) : null;
}

/** A sweep's comparison row from its record and trials. */
export function comparisonRow(s: SweepRecord, trials: readonly TrialRecord[]): ComparisonRow {
  let best: TrialRecord | undefined;
  for (const t of trials) if (t.state === "complete" && t.metrics && (!best || t.metrics.valLoss < best.metrics!.valLoss)) best = t;
  const m = best?.metrics;
  const baselineMae = bestBaselineMae(m);
  return {
    id: s.id,
    name: s.name,
    method: s.spec.method,
    state: s.state,
    budget: s.budget,
    done: finishedCount(s.counts),
    warmStart: s.warmStart ?? null,
    bestTrial: best?.number ?? null,
    bestValLoss: m?.valLoss ?? null,
    bestValMae: m?.valMae ?? null,
    naiveMae: m?.naiveMae ?? null,
    ratioToNaive: m ? m.valMae / m.naiveMae : null,
    baselineMae,
    baseline: m?.baselines?.best ?? null,
    ratioToBaseline: m && baselineMae ? m.valMae / baselineMae : null,
  };
}

/** The best-so-far curves of a sweep's complete trials. */
export function bestSoFar(s: SweepRecord, trials: readonly TrialRecord[]): BestSoFarCurve {
  const done = trials.filter((t) => t.state === "complete" && t.metrics);
  const run = (sorted: TrialRecord[], x: (t: TrialRecord) => number): [number, number][] => {
    let best = Infinity;
    return sorted.map((t) => {
      best = Math.min(best, t.metrics!.valLoss);
      return [x(t), best];
    });
  };
  return {
    id: s.id,
    byTrial: run([...done].sort((a, b) => a.number - b.number), (t) => t.number),
    byTime: run([...done].sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0)), (t) => ((t.finishedAt ?? s.createdAt) - s.createdAt) / 1000),
  };
}

/** Compares sweeps (in the order given); an id with no sweep throws, naming it. */
export async function compareSweeps(store: SweepStore, ids: readonly string[]): Promise<SweepComparison> {
  const sweeps = await Promise.all(ids.map((id) => store.getSweep(id)));
  const missing = ids.filter((_, i) => !sweeps[i]);
  if (missing.length) throw new Error(`no sweep ${missing.map((m) => `"${m}"`).join(", ")} (see \`hyperq sweep list\`)`);
  const rows: ComparisonRow[] = [];
  const curves: BestSoFarCurve[] = [];
  for (const s of sweeps as SweepRecord[]) {
    const trials = await store.listTrials(s.id);
    rows.push(comparisonRow(s, trials));
    curves.push(bestSoFar(s, trials));
  }
  return { rows, curves };
}

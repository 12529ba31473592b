import type { TrialMetrics, TrialRecord } from "@hyperq/protocol";
import type { SweepRecord, SweepStore } from "@hyperq/store";

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
  /** The strongest baseline's MAE, when the result carries `baselines` (null otherwise). */
  baselineMae: number | null;
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

/**
 * The strongest simple baseline's MAE from a result's optional `baselines` block (added by a later
 * metrics schema): `baselines.best.mae` when given, else the lowest `mae` among its entries.
 */
export function bestBaselineMae(metrics: TrialMetrics | undefined): number | null {
  const b = (metrics as (TrialMetrics & { baselines?: unknown }) | undefined)?.baselines;
  if (typeof b !== "object" || b === null) return null;
  const maeOf = (v: unknown): number | undefined => {
    if (typeof v !== "object" || v === null) return undefined;
    const o = v as Record<string, unknown>;
    const m = o.mae ?? o.valMae;
    return typeof m === "number" && Number.isFinite(m) ? m : undefined;
  };
  const best = maeOf((b as Record<string, unknown>).best);
  if (best !== undefined) return best;
  const all = Object.values(b).flatMap((v) => maeOf(v) ?? []);
  return all.length ? Math.min(...all) : null;
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
    done: s.counts.complete + s.counts.pruned + s.counts.failed,
    warmStart: s.warmStart ?? null,
    bestTrial: best?.number ?? null,
    bestValLoss: m?.valLoss ?? null,
    bestValMae: m?.valMae ?? null,
    naiveMae: m?.naiveMae ?? null,
    ratioToNaive: m ? m.valMae / m.naiveMae : null,
    baselineMae,
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

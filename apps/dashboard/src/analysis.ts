import type { ParamValue, TrialRecord } from "@hyperq/protocol";
import type { SweepRecord } from "@hyperq/store";

/**
 * What the sweep page's charts read: finished trials as columns (compact for 10,000 trials) and a
 * parameter-importance estimate. Pure functions of the sweep and its trials.
 */

/** One axis of the parallel-coordinates plot: a searched hyperparameter. */
export interface ParamAxis {
  name: string;
  kind: "num" | "cat";
  log: boolean;
  /** Numeric axes: the search range. */
  low?: number;
  high?: number;
  /** Categorical axes: the values; a trial's value is an index into this list. */
  categories?: ParamValue[];
}

/** Finished trials in finish order, one array per field (index i is the same trial everywhere). */
export interface SweepHistory {
  axes: ParamAxis[];
  number: number[];
  /** "c" complete, "p" pruned, "f" failed. */
  state: ("c" | "p" | "f")[];
  /** Final loss (complete), best intermediate loss (pruned), null (failed or none reported). */
  loss: (number | null)[];
  finishedAt: number[];
  /** Per axis, per trial: the value (numeric) or category index; null when inactive. */
  values: (number | null)[][];
}

/** The searched hyperparameters of a sweep (fixed ones are left out), in the spec's order. */
export function paramAxes(sweep: SweepRecord): ParamAxis[] {
  const axes: ParamAxis[] = [];
  for (const [name, p] of Object.entries(sweep.spec.space)) {
    if (p.type === "int" || p.type === "float") axes.push({ name, kind: "num", log: p.log, low: p.low, high: p.high });
    else if (p.type === "categorical" && p.values.length > 1) axes.push({ name, kind: "cat", log: false, categories: [...p.values] });
  }
  return axes;
}

const STATE_CODE = { complete: "c", pruned: "p", failed: "f" } as const;

/**
 * The finished trials as columns; with `sinceMs`, only those finished at or after it (a live page
 * appends those to what it has, deduplicating by number: finished trials never change).
 */
export function sweepHistory(sweep: SweepRecord, trials: readonly TrialRecord[], sinceMs?: number): SweepHistory {
  const axes = paramAxes(sweep);
  const finished = trials
    .filter((t) => t.state === "complete" || t.state === "pruned" || t.state === "failed")
    .filter((t) => sinceMs === undefined || (t.finishedAt ?? 0) >= sinceMs)
    .sort((a, b) => (a.finishedAt ?? 0) - (b.finishedAt ?? 0) || a.number - b.number);
  const h: SweepHistory = { axes, number: [], state: [], loss: [], finishedAt: [], values: axes.map(() => []) };
  for (const t of finished) {
    if (t.state !== "complete" && t.state !== "pruned" && t.state !== "failed") continue;
    h.number.push(t.number);
    h.state.push(STATE_CODE[t.state]);
    const loss = t.state === "complete" ? t.metrics?.valLoss : t.state === "pruned" ? t.bestValLoss : undefined;
    h.loss.push(loss !== undefined && Number.isFinite(loss) ? loss : null);
    h.finishedAt.push(t.finishedAt ?? 0);
    axes.forEach((a, i) => {
      const v = t.params[a.name];
      let out: number | null = null;
      if (v !== undefined) {
        if (a.kind === "num") out = typeof v === "number" ? v : null;
        else {
          const idx = a.categories?.findIndex((c) => c === v) ?? -1;
          out = idx >= 0 ? idx : null;
        }
      }
      h.values[i]?.push(out);
    });
  }
  return h;
}

export interface ParamImportance {
  name: string;
  /** Share of the explained variation, in [0, 1]; the shares sum to 1 (or all are 0). */
  importance: number;
  /** ω²: the fraction of the loss's variance this parameter alone explains, bias-corrected. */
  omegaSquared: number;
  /** Complete trials where the parameter was active. */
  trials: number;
}

export interface ImportanceReport {
  method: string;
  /** Complete trials used. */
  trials: number;
  /** Most important first. */
  params: ParamImportance[];
}

/** Fewer complete trials than this and no estimate is given. */
export const MIN_TRIALS_FOR_IMPORTANCE = 8;

/**
 * First-order parameter importance, fANOVA-style (Hutter et al. 2014, "An efficient approach for
 * assessing hyperparameter importance"), without the random forest: for each parameter, the share of
 * the variance of the (rank-transformed) validation loss explained by the parameter's marginal,
 * estimated as ω² of a one-way ANOVA over the parameter's values (categorical) or over quantile bins
 * (numeric; log-scaled ones binned on the log scale, which is the same for quantiles). Ranks make
 * one diverged trial unable to dominate. Interactions are not estimated.
 */
export function paramImportance(sweep: SweepRecord, trials: readonly TrialRecord[], bins = 8): ImportanceReport {
  const complete = trials.filter((t) => t.state === "complete" && t.metrics !== undefined && Number.isFinite(t.metrics.valLoss));
  const method = "first-order variance share (ω² over value groups / quantile bins of rank-transformed val loss)";
  if (complete.length < MIN_TRIALS_FOR_IMPORTANCE) return { method, trials: complete.length, params: [] };
  const order = [...complete].sort((a, b) => (a.metrics?.valLoss ?? 0) - (b.metrics?.valLoss ?? 0));
  const y = new Map<number, number>();
  order.forEach((t, i) => y.set(t.number, order.length > 1 ? i / (order.length - 1) : 0));

  const out: ParamImportance[] = [];
  for (const axis of paramAxes(sweep)) {
    const pts: { v: ParamValue; y: number }[] = [];
    for (const t of complete) {
      const v = t.params[axis.name];
      const yy = y.get(t.number);
      if (v !== undefined && yy !== undefined) pts.push({ v, y: yy });
    }
    if (pts.length < MIN_TRIALS_FOR_IMPORTANCE) {
      out.push({ name: axis.name, importance: 0, omegaSquared: 0, trials: pts.length });
      continue;
    }
    const groups = new Map<string, number[]>();
    const distinct = new Set(pts.map((p) => String(p.v)));
    if (axis.kind === "cat" || distinct.size <= bins) {
      for (const p of pts) {
        const k = String(p.v);
        let g = groups.get(k);
        if (!g) groups.set(k, (g = []));
        g.push(p.y);
      }
    } else {
      const sorted = [...pts].sort((a, b) => Number(a.v) - Number(b.v));
      sorted.forEach((p, i) => {
        const k = String(Math.min(bins - 1, Math.floor((i * bins) / sorted.length)));
        let g = groups.get(k);
        if (!g) groups.set(k, (g = []));
        g.push(p.y);
      });
    }
    out.push({ name: axis.name, importance: 0, omegaSquared: omegaSquared([...groups.values()]), trials: pts.length });
  }
  const total = out.reduce((s, p) => s + p.omegaSquared, 0);
  for (const p of out) p.importance = total > 0 ? p.omegaSquared / total : 0;
  out.sort((a, b) => b.omegaSquared - a.omegaSquared || a.name.localeCompare(b.name));
  return { method, trials: complete.length, params: out };
}

/** ω² = (SS_between − (k−1)·MS_within) / (SS_total + MS_within), clamped at 0. */
export function omegaSquared(groups: readonly (readonly number[])[]): number {
  const all = groups.flat();
  const n = all.length;
  const k = groups.filter((g) => g.length > 0).length;
  if (n <= k || k < 2) return 0;
  const mean = all.reduce((s, v) => s + v, 0) / n;
  let ssb = 0;
  let ssw = 0;
  for (const g of groups) {
    if (g.length === 0) continue;
    const m = g.reduce((s, v) => s + v, 0) / g.length;
    ssb += g.length * (m - mean) ** 2;
    for (const v of g) ssw += (v - m) ** 2;
  }
  const sst = ssb + ssw;
  const msw = ssw / (n - k);
  const w = (ssb - (k - 1) * msw) / (sst + msw);
  return Number.isFinite(w) ? Math.max(0, w) : 0;
}

import { bestBaselineRatio, type ParamValue, type TrialRecord, type TrialState } from "@hyperq/protocol";

/**
 * Sorting and ranking of trials, shared by the leaderboard API, the exports and the charts.
 * The rank is the store's leaderboard order: complete trials by validation loss, then pruned ones by
 * their best intermediate loss; ties by trial number as text (the order of a Redis sorted set).
 */

/** Columns the leaderboard sorts by, besides `param.<name>` for any hyperparameter. */
export const SORT_COLUMNS = [
  "rank",
  "number",
  "state",
  "valLoss",
  "valMae",
  "maeRatio",
  "bestRatio",
  "epochs",
  "durationMs",
  "workerId",
  "backend",
  "startedAt",
  "finishedAt",
] as const;
export type SortColumn = (typeof SORT_COLUMNS)[number];
/** A column or `param.<name>`. */
export type SortKey = SortColumn | `param.${string}`;
export type SortDir = "asc" | "desc";

const RANKED: readonly TrialState[] = ["complete", "pruned"];

/** The loss a row shows: the final one when complete, the best epoch so far otherwise. */
export function shownLoss(t: TrialRecord): number | undefined {
  return t.state === "complete" ? (t.metrics?.valLoss ?? t.bestValLoss) : t.bestValLoss;
}

function rankScore(t: TrialRecord): number {
  const v = shownLoss(t);
  return v === undefined || Number.isNaN(v) ? Infinity : v;
}

function byNumberText(a: TrialRecord, b: TrialRecord): number {
  const x = String(a.number);
  const y = String(b.number);
  return x < y ? -1 : x > y ? 1 : 0;
}

/** Complete trials by loss, then pruned ones: the store's leaderboard, over trials in memory. */
export function rankTrials(trials: readonly TrialRecord[]): TrialRecord[] {
  // Decorated once: 10,000 trials sort in a few milliseconds.
  const keyed: { t: TrialRecord; group: number; score: number }[] = [];
  for (const t of trials) {
    const group = RANKED.indexOf(t.state);
    if (group >= 0) keyed.push({ t, group, score: rankScore(t) });
  }
  keyed.sort((a, b) => a.group - b.group || a.score - b.score || byNumberText(a.t, b.t));
  return keyed.map((k) => k.t);
}

/** Trial number → 1-based rank, for ranked trials only. */
export function rankMap(trials: readonly TrialRecord[]): Map<number, number> {
  return new Map(rankTrials(trials).map((t, i) => [t.number, i + 1]));
}

type Cell = number | string | boolean | undefined;

function cell(t: TrialRecord, key: SortKey, ranks: ReadonlyMap<number, number>): Cell {
  switch (key) {
    case "rank":
      return ranks.get(t.number);
    case "number":
      return t.number;
    case "state":
      return t.state;
    case "valLoss":
      return shownLoss(t);
    case "valMae":
      return t.metrics?.valMae;
    case "maeRatio":
      return t.metrics?.maeRatio;
    case "bestRatio":
      return t.metrics?.baselines ? bestBaselineRatio(t.metrics.valMae, t.metrics.baselines) : undefined;
    case "epochs":
      return t.metrics?.epochs ?? t.epochsReported;
    case "durationMs":
      return t.metrics?.durationMs ?? (t.startedAt !== undefined && t.finishedAt !== undefined ? t.finishedAt - t.startedAt : undefined);
    case "workerId":
      return t.workerId;
    case "backend":
      return t.metrics?.backend;
    case "startedAt":
      return t.startedAt;
    case "finishedAt":
      return t.finishedAt;
    default: {
      const v: ParamValue | undefined = t.params[key.slice("param.".length)];
      return v;
    }
  }
}

function compareCells(a: Cell, b: Cell): number {
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "number") return -1;
  if (typeof b === "number") return 1;
  return String(a).localeCompare(String(b));
}

/**
 * Sorts a copy of `trials` by one key. Missing values (a running trial's MAE, an inactive
 * conditional parameter) and NaN go last in both directions; ties by trial number.
 */
export function sortTrials(trials: readonly TrialRecord[], key: SortKey, dir: SortDir, ranks: ReadonlyMap<number, number>): TrialRecord[] {
  const sign = dir === "asc" ? 1 : -1;
  const keyed = trials.map((t) => ({ t, v: cell(t, key, ranks) }));
  keyed.sort((x, y) => {
    const xMissing = x.v === undefined || (typeof x.v === "number" && Number.isNaN(x.v));
    const yMissing = y.v === undefined || (typeof y.v === "number" && Number.isNaN(y.v));
    if (xMissing || yMissing) return xMissing === yMissing ? x.t.number - y.t.number : xMissing ? 1 : -1;
    return sign * compareCells(x.v, y.v) || x.t.number - y.t.number;
  });
  return keyed.map((k) => k.t);
}

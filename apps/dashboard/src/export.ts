import { bestBaselineRatio, type ParamValue, type TrialRecord } from "@hyperq/protocol";
import type { SweepRecord } from "@hyperq/store";
import { rankMap } from "./ranking.ts";

/**
 * Exports of a sweep's trials, shared by the dashboard's download links and `hyperq sweep export`.
 *
 * ```ts
 * const trials = await store.listTrials(id);
 * fs.writeFileSync("trials.csv", trialsToCsv(sweep, trials));
 * ```
 */

/** One trial as a flat row: fixed columns, then `param_<name>` per hyperparameter. */
export type TrialRow = Record<string, string | number | boolean | null>;

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());
const orNull = <T>(v: T | undefined): T | null => (v === undefined ? null : v);

/** Parameter names in the order of the sweep's search space, then any others the trials carry. */
export function paramColumns(sweep: SweepRecord, trials: readonly TrialRecord[]): string[] {
  const names = Object.keys(sweep.spec.space);
  const seen = new Set(names);
  for (const t of trials) {
    for (const k of Object.keys(t.params)) {
      if (!seen.has(k)) {
        seen.add(k);
        names.push(k);
      }
    }
  }
  return names;
}

/** Flat rows, in trial-number order, with the leaderboard rank (null for unranked trials). */
export function trialsToRows(sweep: SweepRecord, trials: readonly TrialRecord[]): TrialRow[] {
  const ranks = rankMap(trials);
  const params = paramColumns(sweep, trials);
  return [...trials]
    .sort((a, b) => a.number - b.number)
    .map((t) => {
      const m = t.metrics;
      const row: TrialRow = {
        sweep_id: sweep.id,
        trial: t.number,
        rank: orNull(ranks.get(t.number)),
        state: t.state,
        val_loss: orNull(m?.valLoss),
        best_val_loss: orNull(t.bestValLoss),
        val_mae: orNull(m?.valMae),
        val_rmse: orNull(m?.valRmse),
        naive_mae: orNull(m?.naiveMae),
        mean_mae: orNull(m?.meanMae),
        mae_ratio: orNull(m?.maeRatio),
        best_baseline: orNull(m?.baselines?.best),
        best_baseline_mae: orNull(m?.baselines ? m.baselines[m.baselines.best]?.mae : undefined),
        mae_ratio_best: orNull(m?.baselines ? bestBaselineRatio(m.valMae, m.baselines) : undefined),
        dm_p_value: orNull(m?.significance?.pValue),
        vs_best_baseline: orNull(m?.significance?.verdict),
        train_loss: orNull(m?.trainLoss),
        best_epoch: orNull(m?.bestEpoch),
        epochs: m?.epochs ?? t.epochsReported,
        duration_ms: orNull(m?.durationMs),
        worker: orNull(t.workerId),
        backend: orNull(m?.backend),
        seed: t.seed,
        attempts: t.attempts,
        created_at: iso(t.createdAt),
        started_at: iso(t.startedAt),
        finished_at: iso(t.finishedAt),
        reason: orNull(t.reason),
      };
      for (const p of params) {
        const v: ParamValue | undefined = t.params[p];
        row[`param_${p}`] = v === undefined ? null : v;
      }
      return row;
    });
}

function csvField(v: string | number | boolean | null): string {
  if (v === null) return "";
  const s = String(v);
  return /[",\r\n]/.test(s) || s !== s.trim() ? `"${s.replace(/"/g, '""')}"` : s;
}

/** RFC 4180 CSV with a header line; empty fields for missing values; CRLF line ends. */
export function trialsToCsv(sweep: SweepRecord, trials: readonly TrialRecord[]): string {
  const rows = trialsToRows(sweep, trials);
  const header = rows[0] ? Object.keys(rows[0]) : csvHeaderFor(sweep);
  const lines = [header.map(csvField).join(",")];
  for (const r of rows) lines.push(header.map((h) => csvField(r[h] ?? null)).join(","));
  return lines.join("\r\n") + "\r\n";
}

function csvHeaderFor(sweep: SweepRecord): string[] {
  const probe: TrialRecord = { sweepId: sweep.id, number: 0, state: "waiting", seed: 0, params: {}, createdAt: 0, attempts: 0, epochsReported: 0 };
  const row = trialsToRows(sweep, [probe])[0] ?? {};
  return Object.keys(row);
}

/** The sweep (spec included) and its trials as records, pretty-printed JSON. */
export function trialsToJson(sweep: SweepRecord, trials: readonly TrialRecord[]): string {
  const ranks = rankMap(trials);
  const body = {
    sweep: {
      id: sweep.id,
      name: sweep.name,
      state: sweep.state,
      budget: sweep.budget,
      createdAt: iso(sweep.createdAt),
      finishedAt: iso(sweep.finishedAt),
      best: sweep.best ?? null,
      counts: sweep.counts,
      spec: sweep.spec,
    },
    trials: [...trials].sort((a, b) => a.number - b.number).map((t) => ({ rank: orNull(ranks.get(t.number)), ...t })),
  };
  return JSON.stringify(body, null, 2) + "\n";
}

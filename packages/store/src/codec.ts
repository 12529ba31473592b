import type { ParamAssignment, SweepSpec, SweepState, TrialMetrics, TrialRecord, TrialState } from "@hyperq/protocol";
import { TRIAL_STATES } from "@hyperq/protocol";
import type { SweepRecord } from "./sweep-store.ts";

/** Hash fields ⇄ records. Numbers are stored as decimal strings, structured values as JSON. */

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === "") return undefined;
  const n = Number(v);
  return Number.isNaN(n) ? undefined : n;
}

export function decodeTrial(sweepId: string, number: number, h: Record<string, string>): TrialRecord | undefined {
  if (!h.state) return undefined;
  const t: TrialRecord = {
    sweepId,
    number,
    state: h.state as TrialState,
    seed: Number(h.seed),
    params: JSON.parse(h.params ?? "{}") as ParamAssignment,
    createdAt: Number(h.createdAt),
    attempts: Number(h.attempts ?? 0),
    epochsReported: Number(h.epochsReported ?? 0),
  };
  const startedAt = num(h.startedAt);
  if (startedAt !== undefined) t.startedAt = startedAt;
  const finishedAt = num(h.finishedAt);
  if (finishedAt !== undefined) t.finishedAt = finishedAt;
  if (h.workerId) t.workerId = h.workerId;
  const best = num(h.bestValLoss);
  if (best !== undefined) t.bestValLoss = best;
  if (h.metrics) t.metrics = JSON.parse(h.metrics) as TrialMetrics;
  if (h.reason) t.reason = h.reason;
  return t;
}

export function decodeSweep(id: string, h: Record<string, string>): SweepRecord | undefined {
  if (!h.spec) return undefined;
  const spec = JSON.parse(h.spec) as SweepSpec;
  const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, Number(h[`n:${s}`] ?? 0)])) as Record<TrialState, number>;
  const s: SweepRecord = {
    id,
    name: spec.name,
    spec,
    state: h.state as SweepState,
    createdAt: Number(h.createdAt),
    budget: Number(h.budget),
    created: Number(h.created ?? 0),
    counts,
  };
  const finishedAt = num(h.finishedAt);
  if (finishedAt !== undefined) s.finishedAt = finishedAt;
  const bestLoss = num(h.bestLoss);
  const bestTrial = num(h.bestTrial);
  if (bestLoss !== undefined && bestTrial !== undefined) s.best = { trial: bestTrial, valLoss: bestLoss };
  if (h.warmFrom) s.warmStart = { from: h.warmFrom, observations: Number(h.warmCount ?? 0) };
  return s;
}

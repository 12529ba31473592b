import { assignmentIssues, completeAssignment, type SearchSpace, type SpecIssue } from "@hyperq/protocol";
import type { SweepStore, WarmObservation, WarmStart } from "@hyperq/store";
import type { LaunchPlan } from "./launch.ts";

export type WarmStartCheck = { ok: true; warmStart: WarmStart } | { ok: false; issues: SpecIssue[] };

/**
 * A warm start's observations: the source sweep's finished trials (complete at their validation
 * loss, pruned at the best they reached; failed ones are left out) whose parameters fit `space`
 * once cut down to it, fixed parameters filled in. Refused, naming `warmStartFrom`, when the
 * source does not exist, shares no searched parameter with `space`, or has no trial that fits.
 */
export async function warmStartObservations(store: SweepStore, from: string, space: SearchSpace): Promise<WarmStartCheck> {
  const fail = (message: string): WarmStartCheck => ({ ok: false, issues: [{ path: "warmStartFrom", message }] });
  const source = await store.getSweep(from);
  if (!source) return fail(`no sweep "${from}" to warm-start from (see \`hyperq sweep list\`)`);
  const searched = Object.entries(space).filter(([, p]) => p.type !== "fixed").map(([name]) => name);
  const shared = searched.filter((name) => name in source.spec.space);
  if (shared.length === 0) {
    return fail(`sweep "${from}" shares no searched parameter with this space: it has ${Object.keys(source.spec.space).join(", ") || "none"}; this one searches ${searched.join(", ") || "none"}`);
  }
  const observations: WarmObservation[] = [];
  let finished = 0;
  for (const t of await store.listTrials(from)) {
    const value = t.state === "complete" ? t.metrics?.valLoss : t.state === "pruned" ? t.bestValLoss : undefined;
    if (t.state === "complete" || t.state === "pruned" || t.state === "failed") finished++;
    if (value === undefined || !Number.isFinite(value)) continue;
    const params = completeAssignment(space, t.params);
    if (assignmentIssues(space, params).length === 0) observations.push({ trial: t.number, params, value });
  }
  if (observations.length === 0) return fail(`none of sweep "${from}"'s ${finished} finished trial(s) fits this space`);
  return { ok: true, warmStart: { from, observations } };
}

/** Resolves a plan's `warmStartFrom` against the store (nothing to do without one). */
export async function planWarmStart(store: SweepStore, plan: LaunchPlan): Promise<WarmStartCheck | undefined> {
  if (plan.spec.warmStartFrom === undefined) return undefined;
  return warmStartObservations(store, plan.spec.warmStartFrom, plan.spec.space);
}

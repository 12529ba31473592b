/**
 * The sweep-lifecycle commands: `sweep extend`, `sweep compare`, `workers stop`, and the warm
 * start `sweep launch --warm-start` resolves.
 */
import type { Command } from "commander";
import { SWEEP_ID_PATTERN, formatIssues } from "@hyperq/protocol";
import { gridSize } from "@hyperq/search";
import { planWarmStart, type LaunchPlan } from "@hyperq/coordinator";
import { compareSweeps } from "@hyperq/dashboard";
import { isWorkerAlive, type SweepStore } from "@hyperq/store";
import { UsageError, type Config } from "./config.ts";
import { intOption, withStore as withConfigStore } from "./options.ts";
import { fmtNum, formatTable } from "./table.ts";

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

/**
 * Resolves a plan's warm start against the store (`--warm-start <id>` overrides the spec's
 * `warmStartFrom`), or throws a UsageError naming the rule. Says on stderr what was taken.
 */
export async function resolveWarmStart(store: SweepStore, plan: LaunchPlan, from?: string): Promise<void> {
  if (from !== undefined) {
    if (!SWEEP_ID_PATTERN.test(from)) throw new UsageError(`--warm-start takes a sweep id (${SWEEP_ID_PATTERN}), but got ${JSON.stringify(from)}`);
    plan.spec.warmStartFrom = from;
  }
  const check = await planWarmStart(store, plan);
  if (!check) return;
  if (!check.ok) throw new UsageError(`cannot warm-start:\n${formatIssues(check.issues)}`);
  plan.warmStart = check.warmStart;
  process.stderr.write(`warm start: ${check.warmStart.observations.length} finished trials of sweep ${check.warmStart.from} enter the history as observations (not re-run)\n`);
}

/** `hyperq sweep extend`: a new total budget for a running, paused or complete sweep. */
export async function extendSweep(store: SweepStore, id: string, budget: number): Promise<void> {
  const s = await store.getSweep(id);
  if (!s) throw new UsageError(`no sweep "${id}" (see \`hyperq sweep list\`)`);
  if (s.spec.method === "grid" && budget > gridSize(s.spec.space)) {
    throw new UsageError(`--budget: a grid sweep runs at most its ${gridSize(s.spec.space)} grid points, but got ${budget}`);
  }
  const r = await store.extendSweep(id, budget);
  if (!r.ok) {
    const why = {
      missing: `no sweep "${id}"`,
      cancelled: `sweep ${id} was cancelled; launch a new sweep (e.g. with --warm-start ${id}) instead`,
      "below-created": `--budget must be at least the ${s.created} trials sweep ${id} has created, but got ${budget}`,
      "nothing-to-run": `sweep ${id} is complete with ${s.created} trials; --budget must exceed ${s.created} to run more, but got ${budget}`,
    }[r.reason];
    throw new UsageError(`cannot extend: ${why}`);
  }
  out(`${id}: budget ${s.budget} → ${r.record.budget}${r.reopened ? " (complete → running)" : ""}`);
}

/** `hyperq sweep compare`: one line per sweep, its best trial against the naive forecast and baselines. */
export async function printComparison(store: SweepStore, ids: readonly string[]): Promise<void> {
  let cmp;
  try {
    cmp = await compareSweeps(store, ids);
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
  const withBaselines = cmp.rows.some((r) => r.baselineMae !== null);
  const headers = ["sweep", "name", "method", "state", "done", "budget", "best_trial", "best_val_loss", "best_val_mae", "naive_mae", "ratio_naive", ...(withBaselines ? ["best_baseline", "baseline_mae", "ratio_baseline"] : []), "warm_start"];
  out(
    formatTable(
      headers,
      cmp.rows.map((r) => [
        r.id,
        r.name,
        r.method,
        r.state,
        String(r.done),
        String(r.budget),
        r.bestTrial === null ? "—" : String(r.bestTrial),
        fmtNum(r.bestValLoss ?? undefined),
        fmtNum(r.bestValMae ?? undefined),
        fmtNum(r.naiveMae ?? undefined),
        fmtNum(r.ratioToNaive ?? undefined, 3),
        ...(withBaselines ? [r.baseline ?? "—", fmtNum(r.baselineMae ?? undefined), fmtNum(r.ratioToBaseline ?? undefined, 3)] : []),
        r.warmStart ? `${r.warmStart.observations} from ${r.warmStart.from}` : "—",
      ]),
    ),
  );
  const ranked = cmp.rows.filter((r) => r.bestValLoss !== null).sort((a, b) => a.bestValLoss! - b.bestValLoss!);
  if (ranked.length > 1) out(`\nlowest val loss: ${ranked[0]!.id} (trial ${ranked[0]!.bestTrial}, ${fmtNum(ranked[0]!.bestValLoss ?? undefined)})`);
}

/** `hyperq workers stop`: the worker finishes its running trials (within its grace period) and leaves. */
export async function stopWorker(store: SweepStore, workerId: string): Promise<void> {
  if (!(await store.requestWorkerStop(workerId))) throw new UsageError(`no worker "${workerId}" is registered (see \`hyperq workers\`)`);
  const now = Date.now();
  const seenAt = (await store.listWorkers()).find((w) => w.id === workerId)?.seenAt ?? now;
  const silentMs = now - seenAt;
  out(
    !isWorkerAlive({ seenAt }, now)
      ? `${workerId}: asked to stop, but it has not been seen for ${Math.round(silentMs / 1000)} s; it stops if it comes back`
      : `${workerId}: asked to stop; it finishes its running trials and leaves at its next heartbeat`,
  );
}

/** Adds `sweep extend`, `sweep compare` and `workers stop` to the program's `sweep` and `workers` commands. */
export function registerLifecycleCommands(program: Command, config: Config): void {
  const withStore = (fn: (store: SweepStore) => Promise<void>) => withConfigStore(config, fn);

  const sub = (name: string): Command => {
    const c = program.commands.find((x) => x.name() === name);
    if (!c) throw new Error(`no "${name}" command to extend`);
    return c;
  };
  sub("sweep")
    .command("extend <sweep>")
    .description("set a running, paused or complete sweep's total budget (a complete one runs again)")
    .requiredOption("--budget <total>", "trials in all, at least those created", intOption("--budget", 1))
    .action((id: string, o: { budget: number }) => withStore((s) => extendSweep(s, id, o.budget)));
  sub("sweep")
    .command("compare <sweeps...>")
    .description("two or more sweeps side by side: best trial, method, budget, ratio to the naive forecast")
    .action((ids: string[]) => {
      if (ids.length < 2) throw new UsageError(`compare needs two or more sweep ids, but got ${ids.length}`);
      return withStore((s) => printComparison(s, ids));
    });
  sub("workers")
    .command("stop <worker>")
    .description("ask one worker to finish its running trials and leave")
    .action((id: string) => withStore((s) => stopWorker(s, id)));
}

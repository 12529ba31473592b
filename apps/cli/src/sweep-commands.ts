import { writeFile } from "node:fs/promises";
import { SingleBar } from "cli-progress";
import { formatIssues, type SweepSpec, type SweepState } from "@hyperq/protocol";
import { budgetNote, checkLaunchFile, launchSweep, type LaunchCheckOptions } from "@hyperq/coordinator";
import { trialsToCsv, trialsToJson } from "@hyperq/dashboard/export";
import { SweepView, WORKER_ALIVE_MS, finishedCount, isWorkerAlive, type SweepRecord, type SweepStore } from "@hyperq/store";
import { UsageError } from "./config.ts";
import { fmtDuration, fmtNum, formatTable, leaderboardTable } from "./table.ts";
import { resolveWarmStart } from "./lifecycle-commands.ts";
import { baselineVerdict } from "./baseline-summary.ts";
import { keptModelsLine } from "./model-commands.ts";

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

/** Warnings already shown: `launch` checks its spec twice (before and after connecting). */
const warned = new Set<string>();

/**
 * Validates a spec (and its dataset) without touching Redis; throws a UsageError listing every
 * problem. Warnings (the launch goes on) go to stderr, one line each, once per process.
 */
export async function checkSpec(specPath: string, opts: LaunchCheckOptions = {}) {
  const check = await checkLaunchFile(specPath, opts);
  if (!check.ok) throw new UsageError(`invalid sweep spec ${specPath}:\n${formatIssues(check.issues)}`);
  for (const w of check.plan.warnings) {
    if (warned.has(w)) continue;
    warned.add(w);
    process.stderr.write(`hyperq: ${w}\n`);
  }
  return check.plan;
}

export async function launch(store: SweepStore, specPath: string, opts: LaunchCheckOptions & { detach: boolean; quiet?: boolean; warmStart?: string }): Promise<SweepRecord> {
  // Before the dataset is read and uploaded: a taken id stores nothing.
  if (opts.id !== undefined && (await store.getSweep(opts.id))) throw new UsageError(`sweep "${opts.id}" already exists (--id): choose another id, or see \`hyperq sweep list\``);
  const plan = await checkSpec(specPath, opts);
  await resolveWarmStart(store, plan, opts.warmStart);
  const sweep = await launchSweep(store, plan);
  out(sweep.id);
  if (!opts.quiet) {
    process.stderr.write(`sweep ${sweep.id}: ${sweep.spec.method} search, ${trialsText(sweep.spec, sweep.budget)}, ${sweep.spec.parallelism} in parallel, ${sweep.spec.epochs} epochs each\n`);
  }
  if (opts.detach) return sweep;
  const done = await follow(store, sweep.id);
  out("");
  await printLeaderboard(store, sweep.id, 10);
  return done;
}

/** Shows a progress bar of finished trials until the sweep ends; returns the final record. */
export async function follow(store: SweepStore, sweepId: string): Promise<SweepRecord> {
  let sweep = await mustGetSweep(store, sweepId);
  const tty = process.stderr.isTTY === true;
  const bar = new SingleBar(
    {
      format: "{bar} {value}/{total} trials | running {running} | failed {failed} | best val loss {best} | {state}",
      barCompleteChar: "█",
      barIncompleteChar: "░",
      hideCursor: tty,
      stream: process.stderr,
      noTTYOutput: true,
      notTTYSchedule: 5000,
    },
  );
  const fields = (s: SweepRecord) => ({
    running: s.counts.running,
    failed: s.counts.failed,
    best: s.best ? fmtNum(s.best.valLoss) : "—",
    state: s.state,
  });
  const doneCount = (s: SweepRecord) => finishedCount(s.counts);
  bar.start(sweep.budget, doneCount(sweep), fields(sweep));
  const view = new SweepView(store);
  await view.ready();
  while (sweep.state === "running" || sweep.state === "paused") {
    const events = await view.next({ blockMs: 1000 });
    if (events.length === 0 || events.some((e) => e.sweepId === sweepId && e.type !== "trial.epoch")) {
      sweep = await mustGetSweep(store, sweepId);
      bar.setTotal(sweep.budget); // `sweep extend` may have moved it
      bar.update(doneCount(sweep), fields(sweep));
    }
  }
  bar.update(doneCount(sweep), fields(sweep));
  bar.stop();
  return sweep;
}

/** "2 trials", or "2 trials (3 trials asked, the space has 2)" when the space is smaller than the budget. */
export function trialsText(spec: SweepSpec, budget: number): string {
  const note = budgetNote(spec, budget);
  return `${budget} trial${budget === 1 ? "" : "s"}${note === undefined ? "" : ` (${note})`}`;
}

async function mustGetSweep(store: SweepStore, id: string): Promise<SweepRecord> {
  const s = await store.getSweep(id);
  if (!s) throw new UsageError(`no sweep "${id}" (see \`hyperq sweep list\`)`);
  return s;
}

export async function printLeaderboard(store: SweepStore, sweepId: string, limit: number): Promise<void> {
  const sweep = await mustGetSweep(store, sweepId);
  const page = await store.leaderboard(sweepId, { limit });
  const d = sweep.spec.dataset;
  out(`sweep ${sweep.id} (${sweep.name}) — ${sweep.state}; ${page.total} ranked of ${trialsText(sweep.spec, sweep.budget)}; dataset ${d.name ?? d.path}, target ${d.target ?? "(default)"} as ${d.targetTransform}`);
  if (page.rows.length === 0) {
    out("no finished trials yet");
    return;
  }
  out(leaderboardTable(page.rows));
  const best = page.rows[0];
  if (best?.metrics) out(`\nbest model (trial ${best.number}): ${baselineVerdict(best.metrics)}`);
}

export async function printSweeps(store: SweepStore): Promise<void> {
  const sweeps = await store.listSweeps();
  if (sweeps.length === 0) return out("no sweeps");
  out(
    formatTable(
      ["id", "name", "state", "method", "done", "budget", "best_val_loss", "started", "duration"],
      sweeps.map((s) => [
        s.id,
        s.name,
        s.state,
        s.spec.method,
        String(finishedCount(s.counts)),
        String(s.budget),
        fmtNum(s.best?.valLoss),
        new Date(s.createdAt).toISOString().replace("T", " ").slice(0, 19),
        fmtDuration((s.finishedAt ?? Date.now()) - s.createdAt),
      ]),
    ),
  );
}

export async function printStatus(store: SweepStore, sweepId: string): Promise<void> {
  const s = await mustGetSweep(store, sweepId);
  out(`${s.id} (${s.name}): ${s.state}, ${s.spec.method}, budget ${trialsText(s.spec, s.budget)}, created ${s.created}`);
  out(`trials: ${Object.entries(s.counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  out(`best: ${s.best ? `trial ${s.best.trial}, val loss ${fmtNum(s.best.valLoss)}` : "—"}`);
  if (s.warmStart) out(`warm start: ${s.warmStart.observations} observations from sweep ${s.warmStart.from} (in the sampler's history, not re-run)`);
  const best = s.best ? await store.getTrial(sweepId, s.best.trial) : undefined;
  if (best?.metrics) out(baselineVerdict(best.metrics));
  out(await keptModelsLine(store, s));
}

export async function control(store: SweepStore, sweepId: string, state: SweepState): Promise<void> {
  const s = await mustGetSweep(store, sweepId);
  if (!(await store.setSweepState(sweepId, state))) throw new UsageError(`cannot move sweep ${sweepId} from ${s.state} to ${state}`);
  out(`${sweepId}: ${s.state} → ${state}`);
}

export async function exportTrials(store: SweepStore, sweepId: string, format: "csv" | "json", file?: string): Promise<void> {
  const sweep = await mustGetSweep(store, sweepId);
  const trials = await store.listTrials(sweepId);
  const text = format === "csv" ? trialsToCsv(sweep, trials) : trialsToJson(sweep, trials);
  if (file) {
    await writeFile(file, text).catch((e: NodeJS.ErrnoException) => {
      throw new UsageError(`cannot write ${file} (-o): ${describeWriteError(e)}`);
    });
    process.stderr.write(`wrote ${trials.length} trials to ${file}\n`);
  } else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

function describeWriteError(e: NodeJS.ErrnoException): string {
  switch (e.code) {
    case "ENOENT":
      return "its folder does not exist";
    case "EISDIR":
      return "it is a folder; name a file";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "EROFS":
      return "read-only file system";
    case "ENOSPC":
      return "no space left on the device";
    default:
      return e.code ?? e.message;
  }
}

export async function printWorkers(store: SweepStore, aliveMs = WORKER_ALIVE_MS): Promise<void> {
  const workers = await store.listWorkers();
  if (workers.length === 0) return out("no workers have announced themselves");
  const now = Date.now();
  out(
    formatTable(
      ["id", "host", "pid", "backend", "concurrency", "status", "last_seen", "current"],
      workers.map((w) => [
        w.id,
        w.host,
        String(w.pid),
        w.backend,
        String(w.concurrency),
        isWorkerAlive(w, now, aliveMs) ? "alive" : "DEAD",
        `${fmtDuration(now - w.seenAt)} ago`,
        w.current.join(" ") || "—",
      ]),
    ),
  );
}

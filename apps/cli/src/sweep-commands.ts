import { writeFile } from "node:fs/promises";
import { SingleBar } from "cli-progress";
import { formatIssues, type SweepState } from "@hyperq/protocol";
import { checkLaunchFile, launchSweep } from "@hyperq/coordinator";
import { trialsToCsv, trialsToJson } from "@hyperq/dashboard";
import type { SweepRecord, SweepStore } from "@hyperq/store";
import { UsageError } from "./config.ts";
import { fmtDuration, fmtNum, formatTable, leaderboardTable } from "./table.ts";
import { keptModelsLine } from "./model-commands.ts";

const out = (s: string): void => {
  process.stdout.write(`${s}\n`);
};

/** Validates a spec (and its dataset) without touching Redis; throws a UsageError listing every problem. */
export async function checkSpec(specPath: string, id?: string) {
  const check = await checkLaunchFile(specPath, id === undefined ? {} : { id });
  if (!check.ok) throw new UsageError(`invalid sweep spec ${specPath}:\n${formatIssues(check.issues)}`);
  return check.plan;
}

export async function launch(store: SweepStore, specPath: string, opts: { detach: boolean; id?: string; quiet?: boolean }): Promise<SweepRecord> {
  const plan = await checkSpec(specPath, opts.id);
  const sweep = await launchSweep(store, plan);
  out(sweep.id);
  if (!opts.quiet) {
    process.stderr.write(`sweep ${sweep.id}: ${sweep.spec.method} search, ${sweep.budget} trials, ${sweep.spec.parallelism} in parallel, ${sweep.spec.epochs} epochs each\n`);
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
  const doneCount = (s: SweepRecord) => s.counts.complete + s.counts.pruned + s.counts.failed;
  bar.start(sweep.budget, doneCount(sweep), fields(sweep));
  let cursor = await store.lastEventId();
  while (sweep.state === "running" || sweep.state === "paused") {
    const events = await store.readEvents(cursor, { blockMs: 1000 });
    if (events.length) cursor = events[events.length - 1]!.id;
    if (events.length === 0 || events.some((e) => e.sweepId === sweepId && e.type !== "trial.epoch")) {
      sweep = await mustGetSweep(store, sweepId);
      bar.update(doneCount(sweep), fields(sweep));
    }
  }
  bar.update(doneCount(sweep), fields(sweep));
  bar.stop();
  return sweep;
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
  out(`sweep ${sweep.id} (${sweep.name}) — ${sweep.state}; ${page.total} ranked of ${sweep.budget}; dataset ${d.name ?? d.path}, target ${d.target ?? "(default)"} as ${d.targetTransform}`);
  if (page.rows.length === 0) {
    out("no finished trials yet");
    return;
  }
  out(leaderboardTable(page.rows));
  const best = page.rows[0]?.metrics;
  if (best) {
    const verdict = best.maeRatio < 1 ? "beats" : "does not beat";
    out(`\nbest model: val MAE ${fmtNum(best.valMae)} vs naive "tomorrow equals today" ${fmtNum(best.naiveMae)} (ratio ${fmtNum(best.maeRatio, 3)}): it ${verdict} the naive forecast.`);
  }
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
        String(s.counts.complete + s.counts.pruned + s.counts.failed),
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
  out(`${s.id} (${s.name}): ${s.state}, ${s.spec.method}, budget ${s.budget}, created ${s.created}`);
  out(`trials: ${Object.entries(s.counts).map(([k, v]) => `${k} ${v}`).join(", ")}`);
  out(`best: ${s.best ? `trial ${s.best.trial}, val loss ${fmtNum(s.best.valLoss)}` : "—"}`);
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
    await writeFile(file, text);
    process.stderr.write(`wrote ${trials.length} trials to ${file}\n`);
  } else process.stdout.write(text.endsWith("\n") ? text : `${text}\n`);
}

export async function printWorkers(store: SweepStore, deadAfterMs = 15_000): Promise<void> {
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
        now - w.seenAt > deadAfterMs ? "DEAD" : "alive",
        `${fmtDuration(now - w.seenAt)} ago`,
        w.current.join(" ") || "—",
      ]),
    ),
  );
}

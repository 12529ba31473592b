import type { Command } from "commander";
import { TrialQueue } from "@hyperq/coordinator";
import { connectRedis, type DeleteSweepResult, type SweepStore } from "@hyperq/store";
import { UsageError, type Config } from "./config.ts";
import { openStore } from "./runtime.ts";

/**
 * Deletes a complete or cancelled sweep: its trials, events and dataset blob from the store (the
 * blob only when no other sweep uses it), then its jobs from the `trials` queue. Prints one line
 * saying what went; refuses, with the reason, a sweep that is running, paused or still stopping.
 *
 * @returns the line printed on stdout
 */
export async function deleteSweep(store: SweepStore, queue: Pick<TrialQueue, "removeSweepJobs">, id: string): Promise<string> {
  const sweep = await store.getSweep(id);
  if (!sweep) throw new UsageError(`no sweep "${id}" (see \`hyperq sweep list\`)`);
  const r = await store.deleteSweep(id);
  if (!r.ok) throw new UsageError(refusal(id, r));
  // Jobs after the record: a job whose sweep is gone is skipped by any worker that still sees it.
  const jobs = await queue.removeSweepJobs(id, sweep.created);
  const parts = [plural(r.trials, "trial"), plural(r.events, "event"), plural(jobs, "queue job")];
  if (r.blob) {
    const hash = `${r.blob.hash.slice(0, 12)}…`;
    parts.push(r.blob.removed ? `dataset blob ${hash}` : `not its dataset blob ${hash} (${r.blob.sharedWith === 0 ? "no sweep is recorded as its user" : `used by ${plural(r.blob.sharedWith, "other sweep")}`})`);
  }
  const line = `deleted sweep ${id} (${sweep.state}): removed ${parts.join(", ")}`;
  process.stdout.write(`${line}\n`);
  return line;
}

function refusal(id: string, r: Exclude<DeleteSweepResult, { ok: true }>): string {
  switch (r.reason) {
    case "missing":
      return `no sweep "${id}" (see \`hyperq sweep list\`)`;
    case "active":
      return `cannot delete sweep ${id}: it is ${r.state}; only a complete or cancelled sweep can be deleted (\`hyperq sweep cancel ${id}\` first)`;
    case "running-trials":
      return `cannot delete sweep ${id} yet: it is cancelled but ${plural(r.running, "trial")} still running (they stop at their next epoch); try again then`;
  }
}

function plural(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? "" : "s"}`;
}

/** `hyperq sweep delete <sweep>`. */
export function registerDeleteCommand(sweep: Command, config: Config): void {
  sweep
    .command("delete <sweep>")
    .description("remove a complete or cancelled sweep: its trials, events, queue jobs and dataset blob (kept while another sweep uses it)")
    .action(async (id: string) => {
      const { store, close } = await openStore(config);
      const connection = connectRedis(config.REDIS_URL);
      const queue = new TrialQueue({ connection, keyPrefix: config.HYPERQ_PREFIX });
      try {
        await deleteSweep(store, queue, id);
      } finally {
        await queue.close();
        connection.disconnect();
        await close();
      }
    });
}

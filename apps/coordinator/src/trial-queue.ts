import { Queue, type ConnectionOptions, type JobsOptions } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, trialJobId, type TrialPayload } from "@hyperq/protocol";

/** Where a trial's job stands in BullMQ ("missing" once removed, or never added). */
export type JobStatus = "waiting" | "active" | "delayed" | "completed" | "failed" | "prioritized" | "waiting-children" | "missing";

export interface TrialQueueOptions {
  connection: ConnectionOptions;
  keyPrefix: string;
  /** Backoff between attempts after a transient fault. @defaultValue 2000 */
  backoffMs?: number;
}

/** The BullMQ `trials` queue as the coordinator uses it: idempotent enqueue by deterministic job id. */
export class TrialQueue {
  readonly queue: Queue<TrialPayload>;
  private readonly backoffMs: number;

  constructor(opts: TrialQueueOptions) {
    this.queue = new Queue<TrialPayload>(TRIALS_QUEUE, { connection: opts.connection, prefix: bullPrefix(opts.keyPrefix) });
    this.backoffMs = opts.backoffMs ?? 2000;
  }

  private jobOptions(p: TrialPayload, attempts: number): JobsOptions {
    return {
      jobId: trialJobId(p.sweepId, p.trialNumber),
      attempts,
      backoff: { type: "exponential", delay: this.backoffMs },
      // The store keeps the record; BullMQ only needs recent jobs for inspection.
      removeOnComplete: { age: 3600, count: 10_000 },
      removeOnFail: { age: 7 * 24 * 3600 },
    };
  }

  /** Adds trials; a trial whose job already exists is left as it is (BullMQ ignores duplicate ids). */
  async enqueue(payloads: readonly TrialPayload[], attempts: number): Promise<void> {
    if (payloads.length === 0) return;
    await this.queue.addBulk(payloads.map((p) => ({ name: "trial", data: p, opts: this.jobOptions(p, attempts) })));
  }

  async status(sweepId: string, trialNumber: number): Promise<{ status: JobStatus; failedReason?: string }> {
    const job = await this.queue.getJob(trialJobId(sweepId, trialNumber));
    if (!job) return { status: "missing" };
    const state = (await job.getState()) as string;
    const status = (state === "unknown" ? "missing" : state) as JobStatus;
    return job.failedReason ? { status, failedReason: job.failedReason } : { status };
  }

  /** Removes a trial's job if it has not started (cancel). */
  async removeWaiting(sweepId: string, trialNumber: number): Promise<void> {
    const job = await this.queue.getJob(trialJobId(sweepId, trialNumber));
    if (job && ["waiting", "delayed", "prioritized"].includes(await job.getState())) await job.remove().catch(() => undefined);
  }

  /**
   * Removes the jobs of trials `0 … trials - 1` of a sweep, in any state but active (a job a
   * worker holds is locked; a deleted sweep has none). Returns how many jobs were removed.
   */
  async removeSweepJobs(sweepId: string, trials: number): Promise<number> {
    let removed = 0;
    for (let n = 0; n < trials; n++) removed += await this.queue.remove(trialJobId(sweepId, n));
    return removed;
  }

  close(): Promise<void> {
    return this.queue.close();
  }
}

/**
 * The BullMQ worker on `trials`, refusing malformed jobs. Anyone who reaches Redis can put a job on
 * the queue, and BullMQ trusts what it reads back: a job whose `data` or `opts` is not JSON throws
 * while being read (after it became active), so it would stay active, stall and be read again
 * forever; one whose data is JSON but no trial payload would reach the trial process. Here every
 * job is checked as it is read, and a bad one fails once, for good (BullMQ's deferred failure:
 * no processor runs, no retry), with the reason `malformed payload: <field>: <rule>`.
 */
import { Worker, type Job, type JobJsonRaw } from "bullmq";
import { parseTrialPayload, type TrialPayload } from "@hyperq/protocol";
import type { RunTrialResult } from "./run-trial.ts";

/** The prefix of every malformed job's failure reason. */
export const MALFORMED_PAYLOAD = "malformed payload";

/** Job fields BullMQ parses as JSON when it reads a job; an unparsable one is dropped (its default stands). */
const JSON_FIELDS = ["data", "opts", "progress", "parent"] as const;

export class TrialWorker extends Worker<TrialPayload, RunTrialResult> {
  protected override createJob(raw: JobJsonRaw, jobId: string): Job<TrialPayload, RunTrialResult> {
    const safe: Partial<JobJsonRaw> = { ...raw };
    const problems: string[] = [];
    for (const field of JSON_FIELDS) {
      const text = raw[field];
      if (text === undefined || text === "") continue;
      try {
        JSON.parse(text);
      } catch {
        problems.push(`${field}: not valid JSON`);
        delete safe[field];
      }
    }
    const job = super.createJob(safe as JobJsonRaw, jobId);
    if (!problems.some((p) => p.startsWith("data:"))) {
      const r = parseTrialPayload(job.data);
      if (!r.ok) problems.push(r.problem);
    }
    if (problems.length > 0) job.deferredFailure = `${MALFORMED_PAYLOAD}: ${problems.join("; ")}`;
    return job;
  }
}

/** The trial a job runs, or `undefined` for a malformed job (its data is then anything at all). */
export function trialOfJob(job: Job<TrialPayload, unknown> | undefined): TrialPayload | undefined {
  if (!job || job.deferredFailure?.startsWith(MALFORMED_PAYLOAD)) return undefined;
  return job.data;
}

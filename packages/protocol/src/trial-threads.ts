import { z } from "zod";

const RULE = "HYPERQ_TRIAL_THREADS must be auto or a whole number of threads from 1 to 256";

/**
 * Threads one trial may use for the backend's matrix products (HYPERQ_TRIAL_THREADS): `auto`
 * (the cores left per running trial, see {@link resolveTrialThreads}) or a number from 1 to 256.
 * The value stays a string, as the environment holds it.
 */
export const trialThreadsSchema = z
  .string()
  .regex(/^(auto|[1-9][0-9]{0,2})$/, RULE)
  .refine((s) => s === "auto" || Number(s) <= 256, RULE);

/**
 * The thread count a trial runs with: a number as given, or for `auto` the machine's cores shared
 * among the trials a worker runs at once, `max(1, floor(cores / concurrency))`.
 *
 * ```ts
 * resolveTrialThreads("auto", os.availableParallelism(), 1); // 16 on a 16-core machine
 * ```
 */
export function resolveTrialThreads(setting: string, cores: number, concurrency: number): number {
  const r = trialThreadsSchema.safeParse(setting);
  if (!r.success) throw new Error(r.error.issues[0]?.message ?? RULE);
  if (r.data !== "auto") return Number(r.data);
  return Math.max(1, Math.floor(cores / Math.max(1, concurrency)));
}

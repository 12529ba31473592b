/**
 * The thread count a trial asks its backend for, from HYPERQ_TRIAL_THREADS.
 */
import { availableParallelism } from "node:os";
import { resolveTrialThreads } from "@hyperq/protocol";

/**
 * Threads asked for by `setting` (HYPERQ_TRIAL_THREADS as the environment holds it): 1 when unset;
 * `auto` here means every core, as one process knows of no other trials (a worker resolves `auto`
 * against its concurrency before forking trials). Throws, naming the variable and rule, for a bad value.
 */
export function requestedTrialThreads(setting: string | undefined): number {
  if (setting === undefined || setting === "") return 1;
  return resolveTrialThreads(setting, availableParallelism(), 1);
}

import { randomUUID } from "node:crypto";

/**
 * The store token of one attempt of one trial: unique per attempt (BullMQ's lock token is unique
 * per job fetch), and computable by both the worker process (which holds the job and its lock
 * token) and the trial process that runs it.
 */
export function attemptToken(workerId: string, attemptsMade: number, lockToken: string | undefined): string {
  return `${workerId}/${attemptsMade}/${lockToken ?? randomUUID()}`;
}

/**
 * The sandboxed processor BullMQ runs for each trial, in a child process of the worker: tfjs
 * training is synchronous between awaits and would otherwise block the worker's event loop, so
 * the job lock would not be renewed and BullMQ would hand the same trial to a second worker. The
 * child keeps its store connection, backend and prepared datasets across the trials it runs.
 */
import { randomUUID } from "node:crypto";
import type { SandboxedJob } from "bullmq";
import type { TrialPayload } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { processEnvSchema } from "./env.ts";
import { jsonLogger } from "./log.ts";
import { runTrial, type RunTrialResult } from "./run-trial.ts";

const env = processEnvSchema.parse(process.env);
const log = jsonLogger({ proc: "trial", workerId: env.HYPERQ_WORKER_ID, pid: process.pid }, env.HYPERQ_LOG_LEVEL);
let store: RedisSweepStore | undefined;

export default async function processTrial(job: SandboxedJob<TrialPayload>): Promise<RunTrialResult> {
  store ??= new RedisSweepStore(connectRedis(env.REDIS_URL), { keyPrefix: env.HYPERQ_PREFIX });
  const token = `${env.HYPERQ_WORKER_ID}/${job.attemptsMade}/${randomUUID()}`;
  const ctx = { store, workerId: env.HYPERQ_WORKER_ID, token, log, ...(env.HYPERQ_BACKEND ? { backend: env.HYPERQ_BACKEND } : {}) };
  return runTrial(job.data, ctx);
}

import { z } from "zod";
import { DEFAULT_KEY_PREFIX, LOG_LEVELS } from "@hyperq/protocol";

/**
 * Settings a worker's sandboxed trial processes read from the environment (they are forked by
 * BullMQ and inherit it). Parsed once per process.
 */
export const processEnvSchema = z.object({
  REDIS_URL: z.string().default("redis://127.0.0.1:6379"),
  HYPERQ_PREFIX: z.string().min(1).default(DEFAULT_KEY_PREFIX),
  HYPERQ_WORKER_ID: z.string().min(1).default("worker"),
  HYPERQ_BACKEND: z.string().optional(),
  HYPERQ_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
});
export type ProcessEnv = z.output<typeof processEnvSchema>;

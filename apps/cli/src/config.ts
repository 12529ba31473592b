import { z } from "zod";
import { DEFAULT_KEY_PREFIX } from "@hyperq/protocol";

/** Every setting HyperQ reads from the environment, parsed once. Flags override where both exist. */
export const configSchema = z.object({
  /** Redis for everything (password and TLS: `rediss://:password@host:6380`). */
  REDIS_URL: z.string().url("REDIS_URL must be a URL such as redis://127.0.0.1:6379").default("redis://127.0.0.1:6379"),
  /** Key prefix: isolates deployments sharing one Redis. */
  HYPERQ_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, "HYPERQ_PREFIX may hold letters, digits, _ . -").default(DEFAULT_KEY_PREFIX),
  /** Token required by the dashboard's control actions (pause/resume/cancel/extend, stop a worker). Unset: control is refused. */
  HYPERQ_TOKEN: z.string().min(8, "HYPERQ_TOKEN must have at least 8 characters").optional(),
  /** Force a training backend: tensorflow-gpu | tensorflow | wasm | cpu. */
  HYPERQ_BACKEND: z.enum(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]).optional(),
  HYPERQ_LOG_LEVEL: z.enum(["debug", "info", "warn", "error", "silent"]).default("info"),
  /** Dashboard address. Binds loopback unless told otherwise. */
  HYPERQ_DASHBOARD_HOST: z.string().default("127.0.0.1"),
  HYPERQ_DASHBOARD_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  /**
   * Launch: largest dataset file a sweep may upload, in MiB (checked before the file is read; the
   * file is stored in Redis for every worker). @defaultValue 64
   */
  HYPERQ_MAX_DATASET_MB: z.coerce.number().positive("HYPERQ_MAX_DATASET_MB must be a positive number of MiB").default(64),
  /** Worker: trials at once (one sandboxed process each). */
  HYPERQ_WORKER_CONCURRENCY: z.coerce.number().int().min(1).max(256).default(1),
  /** Worker: trial lock and stalled-check interval, ms (lower = faster recovery from dead workers). */
  HYPERQ_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  HYPERQ_STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Worker and coordinator: serve /healthz and /readyz on this port (the default of --health-port). Unset: no health endpoints. */
  HYPERQ_HEALTH_PORT: z.coerce.number().int().min(1, "HYPERQ_HEALTH_PORT must be a port between 1 and 65535").max(65535, "HYPERQ_HEALTH_PORT must be a port between 1 and 65535").optional(),
  /** Worker: seconds a stopping worker waits for its running trials. */
  HYPERQ_GRACE_S: z.coerce.number().min(0).default(30),
});
export type Config = z.output<typeof configSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const r = configSchema.safeParse(env);
  if (!r.success) {
    const lines = r.error.issues.map((i) => `  - ${i.path.join(".")}: ${i.message}`);
    throw new UsageError(`invalid environment:\n${lines.join("\n")}`);
  }
  return r.data;
}

/** A user mistake (flags, env, spec): printed without a stack trace, exit code 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The dataset size bound launch and validate apply, from {@link Config}. */
export function datasetLimit(config: Pick<Config, "HYPERQ_MAX_DATASET_MB">): { maxBytes: number; hint: string } {
  return { maxBytes: Math.floor(config.HYPERQ_MAX_DATASET_MB * 1024 * 1024), hint: `the limit HYPERQ_MAX_DATASET_MB=${config.HYPERQ_MAX_DATASET_MB}` };
}

import { z } from "zod";
import { DEFAULT_KEY_PREFIX } from "./keys.ts";
import { LOG_LEVELS } from "./log.ts";
import { trialThreadsSchema } from "./trial-threads.ts";

/**
 * Every setting a HyperQ process reads from the environment: the one schema. The CLI parses it once
 * at start (flags override where both exist) and passes the values on as options; a worker hands
 * its trial processes their part ({@link trialProcessConfigSchema}) explicitly, through the
 * environment of the processes it forks ({@link trialProcessEnv}).
 *
 * ```ts
 * const config = configSchema.parse(process.env);
 * ```
 */
export const configSchema = z.object({
  /** Redis for everything (password and TLS: `rediss://:password@host:6380`). */
  REDIS_URL: z.string().url("REDIS_URL must be a URL such as redis://127.0.0.1:6379").default("redis://127.0.0.1:6379"),
  /** Key prefix: isolates deployments sharing one Redis. */
  HYPERQ_PREFIX: z.string().regex(/^[A-Za-z0-9_.-]+$/, "HYPERQ_PREFIX may hold letters, digits, _ . -").default(DEFAULT_KEY_PREFIX),
  /** Token required by the dashboard's control actions (pause/resume/cancel/extend, stop a worker). Unset: control is refused. */
  HYPERQ_TOKEN: z.string().min(8, "HYPERQ_TOKEN must have at least 8 characters").optional(),
  /** Force a training backend: tensorflow-gpu | tensorflow | wasm | cpu. */
  HYPERQ_BACKEND: z.enum(["tensorflow-gpu", "tensorflow", "wasm", "cpu"]).optional(),
  HYPERQ_LOG_LEVEL: z.enum(LOG_LEVELS).default("info"),
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
  /**
   * Trial process: threads for the backend's matrix products, `auto` = max(1, floor(cores /
   * concurrency)) or a number. Off (1) by default: tfjs-backend-wasm 4.22 runs single-threaded under
   * Node whatever is asked (docs/engine-notes.md). @defaultValue "1"
   */
  HYPERQ_TRIAL_THREADS: trialThreadsSchema.default("1"),
  /**
   * Trial process on the wasm backend: `auto` runs the LSTM layers on the native kernels where they
   * were built at install (packages/models/native), `off` on the WebAssembly kernels. @defaultValue "auto"
   */
  HYPERQ_NATIVE_KERNELS: z.enum(["auto", "off"]).default("auto"),
  /** Worker: trial lock and stalled-check interval, ms (lower = faster recovery from dead workers). */
  HYPERQ_LOCK_MS: z.coerce.number().int().min(1000).default(30_000),
  HYPERQ_STALLED_INTERVAL_MS: z.coerce.number().int().min(1000).default(30_000),
  /** Worker and coordinator: serve /healthz and /readyz on this port (the default of --health-port). Unset: no health endpoints. */
  HYPERQ_HEALTH_PORT: z.coerce.number().int().min(1, "HYPERQ_HEALTH_PORT must be a port between 1 and 65535").max(65535, "HYPERQ_HEALTH_PORT must be a port between 1 and 65535").optional(),
  /** Worker: seconds a stopping worker waits for its running trials. */
  HYPERQ_GRACE_S: z.coerce.number().min(0).default(30),
  /** Trial process: the id of the worker that forked it (set by the worker, never by hand). */
  HYPERQ_WORKER_ID: z.string().min(1, "HYPERQ_WORKER_ID must not be empty").optional(),
});
export type Config = z.output<typeof configSchema>;

/** The settings a worker's trial processes run with: a part of {@link configSchema}. */
export const trialProcessConfigSchema = configSchema.pick({
  REDIS_URL: true,
  HYPERQ_PREFIX: true,
  HYPERQ_WORKER_ID: true,
  HYPERQ_BACKEND: true,
  HYPERQ_LOG_LEVEL: true,
  HYPERQ_TRIAL_THREADS: true,
  HYPERQ_NATIVE_KERNELS: true,
});
export type TrialProcessConfig = z.output<typeof trialProcessConfigSchema>;

/**
 * The environment a trial process is forked with: the worker's own (PATH, the TypeScript loader,
 * the backend's variables) with the given trial settings set explicitly (one left undefined keeps
 * the worker's), so the worker's `process.env` is never rewritten. Throws, naming the field and rule, for a setting the schema refuses.
 */
export function trialProcessEnv(settings: { [K in keyof TrialProcessConfig]?: string }, base: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const r = trialProcessConfigSchema.safeParse(settings);
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new Error(`trial process settings: ${issue?.path.join(".") ?? ""}: ${issue?.message ?? "invalid"}`);
  }
  const env: NodeJS.ProcessEnv = { ...base };
  for (const key of Object.keys(trialProcessConfigSchema.shape) as (keyof TrialProcessConfig)[]) {
    const value = r.data[key];
    if (settings[key] !== undefined && value !== undefined) env[key] = String(value);
  }
  return env;
}

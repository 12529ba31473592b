import { describe, expect, it } from "vitest";
import { configSchema, trialProcessConfigSchema, trialProcessEnv } from "./config.ts";

describe("trialProcessEnv", () => {
  it("sets the given settings over the worker's environment and keeps the rest of it", () => {
    const base = { PATH: "/bin", HYPERQ_BACKEND: "cpu", HYPERQ_LOG_LEVEL: "warn" };
    const env = trialProcessEnv({ REDIS_URL: "redis://h:6380", HYPERQ_PREFIX: "p1", HYPERQ_WORKER_ID: "w-1", HYPERQ_LOG_LEVEL: "debug" }, base);
    expect(env).toEqual({ PATH: "/bin", REDIS_URL: "redis://h:6380", HYPERQ_PREFIX: "p1", HYPERQ_WORKER_ID: "w-1", HYPERQ_BACKEND: "cpu", HYPERQ_LOG_LEVEL: "debug" });
    expect(base).toEqual({ PATH: "/bin", HYPERQ_BACKEND: "cpu", HYPERQ_LOG_LEVEL: "warn" });
  });

  it("gives a trial process what the one schema reads back", () => {
    const env = trialProcessEnv({ REDIS_URL: "redis://127.0.0.1:6379", HYPERQ_PREFIX: "hq", HYPERQ_WORKER_ID: "w", HYPERQ_BACKEND: "wasm" }, {});
    expect(trialProcessConfigSchema.parse(env)).toEqual({ REDIS_URL: "redis://127.0.0.1:6379", HYPERQ_PREFIX: "hq", HYPERQ_WORKER_ID: "w", HYPERQ_BACKEND: "wasm", HYPERQ_LOG_LEVEL: "info", HYPERQ_TRIAL_THREADS: "1", HYPERQ_NATIVE_KERNELS: "auto" });
    expect(Object.keys(trialProcessConfigSchema.shape).every((k) => k in configSchema.shape)).toBe(true);
  });

  it("refuses a setting the schema refuses, naming the field and rule", () => {
    expect(() => trialProcessEnv({ HYPERQ_PREFIX: "a b" }, {})).toThrow("trial process settings: HYPERQ_PREFIX: HYPERQ_PREFIX may hold letters, digits, _ . -");
    expect(() => trialProcessEnv({ HYPERQ_BACKEND: "gpu" }, {})).toThrow(/^trial process settings: HYPERQ_BACKEND: /);
  });
});

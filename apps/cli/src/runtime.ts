import type { Redis } from "ioredis";
import { createLogger, type Logger } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { UsageError, type Config } from "./config.ts";

/** Structured JSON logs on stderr (stdout stays for tables and ids), in the shape every process logs. */
export function makeLogger(config: Config, name: string): Logger {
  return createLogger({ name, level: config.HYPERQ_LOG_LEVEL });
}

/** Connects to Redis or explains, without a stack trace, what to start. */
export async function openStore(config: Config): Promise<{ store: RedisSweepStore; redis: Redis; close(): Promise<void> }> {
  const redis = connectRedis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new UsageError(
      `cannot reach Redis at ${redactUrl(config.REDIS_URL)} (${(e as Error).message}). Start one (e.g. \`redis-server\`, or \`scripts/ensure-redis.sh\`) or set REDIS_URL.`,
    );
  }
  const store = new RedisSweepStore(redis, { keyPrefix: config.HYPERQ_PREFIX });
  return {
    store,
    redis,
    async close() {
      await store.close();
      redis.disconnect();
    },
  };
}

export function redactUrl(url: string): string {
  return url.replace(/\/\/([^@/]*)@/, "//***@");
}

/** Resolves on SIGINT or SIGTERM (once). */
export function untilSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (s: NodeJS.Signals) => {
      process.off("SIGINT", on);
      process.off("SIGTERM", on);
      resolve(s);
    };
    process.on("SIGINT", on);
    process.on("SIGTERM", on);
  });
}

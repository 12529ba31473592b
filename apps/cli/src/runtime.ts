import type { Redis } from "ioredis";
import { createLogger, type Logger } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { UsageError, type Config } from "./config.ts";

/** Structured JSON logs on stderr (stdout stays for tables and ids), in the shape every process logs. */
export function makeLogger(config: Config, name: string): Logger {
  return createLogger({ name, level: config.HYPERQ_LOG_LEVEL });
}

/** Connects to Redis or explains in one line, without a stack trace, what is wrong. */
export async function openStore(config: Config): Promise<{ store: RedisSweepStore; redis: Redis; close(): Promise<void> }> {
  const redis = connectRedis(config.REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: null, retryStrategy: (n) => Math.min(n * 200, 2000) });
  // Without a listener ioredis prints "Unhandled error event" and a stack for every failed attempt;
  // the first error is what went wrong ("Connection is closed" only says that it did).
  let cause: Error | undefined;
  redis.on("error", (e: Error) => {
    cause ??= e;
  });
  try {
    await redis.connect();
    await redis.ping();
  } catch (e) {
    redis.disconnect();
    throw new UsageError(`cannot reach Redis at ${redactUrl(config.REDIS_URL)}: ${describeRedisError(cause ?? (e as Error))}`);
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

/** What a failed Redis connection means, in words a user can act on. */
export function describeRedisError(e: Error): string {
  const code = (e as NodeJS.ErrnoException).code;
  const msg = e.message;
  if (/^(WRONGPASS|NOAUTH)\b|invalid password|invalid username-password/i.test(msg)) {
    return "authentication failed (check the user and password in REDIS_URL)";
  }
  const start = "Start one (e.g. `redis-server`, or `scripts/ensure-redis.sh`) or set REDIS_URL.";
  if (code === "ECONNREFUSED") return `connection refused. ${start}`;
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return "unknown host (check the host in REDIS_URL)";
  if (code === "ETIMEDOUT") return `connection timed out. ${start}`;
  return `${msg.replace(/\s+/g, " ").trim()}. ${start}`;
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

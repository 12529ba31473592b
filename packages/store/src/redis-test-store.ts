import { randomUUID } from "node:crypto";
import { RedisSweepStore, connectRedis } from "./redis-store.ts";

/** For tests: a RedisSweepStore under a fresh key prefix, and a cleanup that deletes every key under it. */
export async function openRedisStore(url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379") {
  const redis = connectRedis(url);
  const prefix = `hqtest:${randomUUID().slice(0, 8)}`;
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  return {
    store,
    redis,
    prefix,
    cleanup: async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await store.close();
      redis.disconnect();
    },
  };
}

import { randomUUID } from "node:crypto";
import { RedisSweepStore, connectRedis } from "./redis-store.ts";
import { sweepViewContract } from "./sweep-view-contract.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

sweepViewContract("redis", async () => {
  const redis = connectRedis(url);
  const prefix = `hqtest-view:${randomUUID().slice(0, 8)}`;
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  return {
    store,
    cleanup: async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await store.close();
      redis.disconnect();
    },
  };
});

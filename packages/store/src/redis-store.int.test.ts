import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { cancelScenario, specFixture, sweepStoreContract } from "./contract.ts";
import { MemorySweepStore } from "./memory-store.ts";
import { RedisSweepStore, connectRedis } from "./redis-store.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

async function openRedisStore() {
  const redis = connectRedis(url);
  const prefix = `hqtest:${randomUUID().slice(0, 8)}`;
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  return {
    store,
    redis,
    cleanup: async () => {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await store.close();
      redis.disconnect();
    },
  };
}

sweepStoreContract("redis", openRedisStore);

describe("RedisSweepStore cancel", () => {
  it("leaves the same trials, counts and events as the in-memory store", async () => {
    const { store, cleanup } = await openRedisStore();
    try {
      expect(await cancelScenario(store)).toEqual(await cancelScenario(new MemorySweepStore()));
    } finally {
      await cleanup();
    }
  });

  it("is one script call, however many trials wait (no crash can split it)", async () => {
    const { store, redis, cleanup } = await openRedisStore();
    try {
      await store.createSweep(specFixture(), { id: "s", budget: 20 });
      for (let n = 0; n < 20; n++) await store.createTrial("s", n, {}, n);
      const sent: string[] = [];
      const send = redis.sendCommand.bind(redis);
      redis.sendCommand = ((command: { name: string }, ...rest: unknown[]) => {
        sent.push(command.name);
        return (send as (...a: unknown[]) => unknown)(command, ...rest);
      }) as typeof redis.sendCommand;
      expect(await store.setSweepState("s", "cancelled")).toBe(true);
      redis.sendCommand = send;
      // evalsha, then eval when the server does not have the script cached yet.
      expect(sent.filter((c) => c === "evalsha")).toHaveLength(1);
      expect(sent.filter((c) => c !== "evalsha" && c !== "eval")).toEqual([]);
      expect((await store.trialsInState("s", ["waiting"])).length).toBe(0);
    } finally {
      await cleanup();
    }
  });
});

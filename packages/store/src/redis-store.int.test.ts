import { describe, expect, it } from "vitest";
import { cancelScenario, metricsFixture, specFixture, sweepStoreContract } from "./contract.ts";
import { redisKeys } from "./keys.ts";
import { MemorySweepStore } from "./memory-store.ts";
import { openRedisStore } from "./redis-test-store.ts";

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

describe("RedisSweepStore key layout", () => {
  it("writes a sweep's keys where redisKeys names them, and deleting the sweep removes them all", async () => {
    const { store, redis, prefix, cleanup } = await openRedisStore();
    const k = redisKeys(prefix);
    const epoch = (e: number, valLoss: number) => ({ epoch: e, trainLoss: valLoss, valLoss, learningRate: 1e-3, durationMs: 5 });
    try {
      await store.createSweep(specFixture(), { id: "gone", budget: 2 });
      await store.createTrial("gone", 0, {}, 0);
      await store.createTrial("gone", 1, {}, 1);
      await store.claimTrial("gone", 0, { workerId: "w", token: "a" });
      await store.reportEpoch("gone", 0, "a", epoch(1, 0.5));
      await store.completeTrial("gone", 0, "a", metricsFixture(0.5));
      await store.claimTrial("gone", 1, { workerId: "w", token: "b" });
      await store.reportEpoch("gone", 1, "b", epoch(1, 0.9));
      await store.decideTrial("gone", 1, 1, { prune: true, reason: "median" });
      await store.pruneTrial("gone", 1, "b", "stopped");
      expect(await redis.zrange(k.leaderboard("gone"), 0, -1)).toEqual(["0"]);
      expect(await redis.zrange(k.prunedBoard("gone"), 0, -1)).toEqual(["1"]);
      expect(Number(await redis.hget(k.rung("gone", 1), "1"))).toBe(0.9);
      expect(await redis.exists(k.trial("gone", 1), k.epochs("gone", 1), k.sweep("gone"), k.trialIndex("gone"))).toBe(4);

      await store.setSweepState("gone", "complete");
      expect(await store.deleteSweep("gone")).toMatchObject({ ok: true, trials: 2 });
      expect((await redis.keys(`${prefix}:*`)).filter((key) => key.includes("gone"))).toEqual([]);
    } finally {
      await cleanup();
    }
  });
});

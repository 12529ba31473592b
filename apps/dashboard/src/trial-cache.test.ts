import { describe, expect, it } from "vitest";
import { MemorySweepStore } from "@hyperq/store";
import { EventHub } from "./event-hub.ts";
import { createFixtureSweep, fixtureSpec } from "@hyperq/store/testing";
import { TrialCache } from "./trial-cache.ts";

async function setup() {
  const store = new MemorySweepStore();
  await store.createSweep(fixtureSpec("c", 10, 2), { id: "c", budget: 10 });
  await store.createTrial("c", 0, {}, 0);
  let reads = 0;
  const getTrial = store.getTrial.bind(store);
  store.getTrial = (id, n) => {
    reads++;
    return getTrial(id, n);
  };
  const hub = new EventHub(store, { blockMs: 200 });
  const cache = new TrialCache(hub);
  return { store, hub, cache, reads: () => reads };
}

describe("TrialCache", () => {
  it("refetches only the trials events name", async () => {
    const { store, hub, cache, reads } = await setup();
    expect((await cache.snapshot("c")).trials.map((t) => t.number)).toEqual([0]);
    await store.createTrial("c", 1, {}, 1);
    await store.claimTrial("c", 0, { workerId: "w", token: "t" });
    await expect.poll(async () => (await cache.snapshot("c")).trials.map((t) => `${t.number}:${t.state}`)).toEqual(["0:running", "1:waiting"]);
    expect(reads()).toBeLessThanOrEqual(4);
    hub.close();
  });

  it("serves a costly view stale for a while, says so, then rebuilds", async () => {
    const { store, hub, cache } = await setup();
    const slow = (n: number) => {
      const until = performance.now() + 20;
      while (performance.now() < until);
      return n;
    };
    const opts = { maxStaleMs: 400, costFactor: 20 }; // a 20 ms build: a 400 ms window
    const first = await cache.derive("c", "v", (s) => slow(s.trials.length), opts);
    expect(first).toEqual({ value: 1, stale: false });
    await store.createTrial("c", 1, {}, 1);
    await new Promise((r) => setTimeout(r, 50));
    expect(await cache.derive("c", "v", (s) => slow(s.trials.length), opts)).toEqual({ value: 1, stale: true });
    await new Promise((r) => setTimeout(r, 600));
    expect(await cache.derive("c", "v", (s) => slow(s.trials.length), opts)).toEqual({ value: 2, stale: false });
    // Cheap views are never served stale.
    await cache.derive("c", "cheap", (s) => s.trials.length, opts);
    await store.createTrial("c", 2, {}, 2);
    await expect.poll(() => cache.derive("c", "cheap", (s) => s.trials.length, opts)).toEqual({ value: 3, stale: false });
    hub.close();
  });

  it("keeps a few sweeps, dropping the least recently used", async () => {
    const store = new MemorySweepStore();
    const hub = new EventHub(store, { blockMs: 100 });
    const cache = new TrialCache(hub, { maxSweeps: 2 });
    for (const id of ["a", "b", "c"]) {
      await store.createSweep(fixtureSpec(id, 5, 2), { id, budget: 5 });
      await cache.snapshot(id);
    }
    expect(cache.size).toBe(2);
    hub.close();
  });

  it("pages the leaderboard from the store while cold and from memory once warm, the same rows and ranks", async () => {
    const store = new MemorySweepStore();
    const sweep = await createFixtureSweep(store, { id: "lb", trials: 60, running: 3, waiting: 2, seed: 4 });
    const hub = new EventHub(store, { blockMs: 100 });
    const cache = new TrialCache(hub);
    const queries = [
      { sort: "rank", dir: "asc", offset: 0, limit: 10 },
      { sort: "rank", dir: "asc", offset: 20, limit: 15, states: ["pruned", "complete"] },
      { sort: "rank", dir: "asc", offset: 0, limit: 5, states: ["pruned"] },
    ] as const;
    const cold = [];
    for (const q of queries) {
      expect(cache.isWarm("lb")).toBe(false);
      cold.push(await cache.leaderboardPage(sweep, q));
    }
    await cache.snapshot("lb");
    expect(cache.isWarm("lb")).toBe(true);
    for (const [i, q] of queries.entries()) {
      const warm = await cache.leaderboardPage(sweep, q);
      expect(warm.stale).toBe(false);
      const { stale: _stale, ...rest } = warm;
      expect(rest).toEqual(cold[i]);
      expect(cold[i]!.rows.length).toBe(q.limit);
    }
    // Orders the store does not keep come from memory, ranks attached.
    const byLoss = await cache.leaderboardPage(sweep, { sort: "valLoss", dir: "desc", offset: 0, limit: 60 });
    expect(byLoss.total).toBe(60);
    expect(byLoss.rows.filter((t) => t.rank !== null).map((t) => t.rank).sort((a, b) => a! - b!)).toEqual([...Array(sweep.counts.complete + sweep.counts.pruned).keys()].map((k) => k + 1));
    hub.close();
  });
});

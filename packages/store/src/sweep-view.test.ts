import { describe, expect, it } from "vitest";
import { specFixture } from "./contract.ts";
import { MemorySweepStore } from "./memory-store.ts";
import { WORKER_ALIVE_MS, finishedCount, inFlightCount, isWorkerAlive } from "./sweep-facts.ts";
import { SweepView } from "./sweep-view.ts";

/** A memory store that counts the reads a view makes. */
async function counted(sweeps: string[] = ["s"]) {
  const store = new MemorySweepStore();
  for (const id of sweeps) await store.createSweep(specFixture(), { id, budget: 10 });
  const reads = { getTrial: 0, listTrials: 0 };
  const getTrial = store.getTrial.bind(store);
  const listTrials = store.listTrials.bind(store);
  store.getTrial = (id, n) => {
    reads.getTrial++;
    return getTrial(id, n);
  };
  store.listTrials = (id) => {
    reads.listTrials++;
    return listTrials(id);
  };
  return { store, reads };
}

const states = (trials: readonly { number: number; state: string }[]) => trials.map((t) => `${t.number}:${t.state}`);

describe("SweepView", () => {
  it("follows the stream from where it stood at ready(), moving its cursor past what it read", async () => {
    const { store } = await counted();
    await store.createTrial("s", 0, {}, 0);
    const view = new SweepView(store);
    await view.ready();
    const start = view.cursor;
    expect(await view.next()).toEqual([]);
    await store.createTrial("s", 1, {}, 1);
    await store.claimTrial("s", 1, { workerId: "w", token: "t" });
    const events = await view.next();
    expect(events.map((e) => e.type)).toEqual(["trial.created", "trial.started"]);
    expect(view.cursor).toBe(events[1]?.id);
    expect(view.cursor).not.toBe(start);
    expect(await view.next()).toEqual([]);
  });

  it("loads a sweep once, then re-reads only the trials events name", async () => {
    const { store, reads } = await counted();
    for (let n = 0; n < 5; n++) await store.createTrial("s", n, {}, n);
    const view = new SweepView(store);
    await view.ready();
    const first = await view.snapshot("s");
    expect(first.trials.map((t) => t.number)).toEqual([0, 1, 2, 3, 4]);
    expect(reads).toEqual({ getTrial: 0, listTrials: 1 });
    await store.claimTrial("s", 3, { workerId: "w", token: "t" });
    await store.createTrial("s", 5, {}, 5);
    await view.next();
    const second = await view.snapshot("s");
    expect(states(second.trials)).toEqual(["0:waiting", "1:waiting", "2:waiting", "3:running", "4:waiting", "5:waiting"]);
    expect(second.version).toBeGreaterThan(first.version);
    expect(reads).toEqual({ getTrial: 2, listTrials: 1 });
    // Nothing changed: the same snapshot, no read.
    expect(await view.snapshot("s")).toEqual(second);
    expect(reads).toEqual({ getTrial: 2, listTrials: 1 });
  });

  it("holds a trial its process wrote without reading it back", async () => {
    const { store, reads } = await counted();
    const view = new SweepView(store);
    await view.snapshot("s");
    view.remember(await store.createTrial("s", 0, {}, 0));
    await view.next();
    expect(states((await view.snapshot("s")).trials)).toEqual(["0:waiting"]);
    expect(reads).toEqual({ getTrial: 0, listTrials: 1 });
  });

  it("reloads every held sweep after invalidate() and one on reread", async () => {
    const { store, reads } = await counted(["a", "b"]);
    const view = new SweepView(store);
    await view.snapshot("a");
    await view.snapshot("b");
    view.invalidate();
    expect(view.isWarm("a")).toBe(false);
    await view.snapshot("a");
    await view.snapshot("b");
    expect(reads.listTrials).toBe(4);
    await view.snapshot("a", { reread: true });
    expect(reads.listTrials).toBe(5);
    expect(view.isWarm("a")).toBe(true);
  });

  it("keeps at most maxSweeps, dropping the least recently read; forget drops one", async () => {
    const { store } = await counted(["a", "b", "c"]);
    const view = new SweepView(store, { maxSweeps: 2 });
    await view.snapshot("a");
    await view.snapshot("b");
    await view.snapshot("a");
    await view.snapshot("c");
    expect(view.size).toBe(2);
    expect(view.peek("b")).toBeUndefined();
    expect(view.peek("a")?.loaded).toBe(true);
    view.forget("a");
    expect(view.size).toBe(1);
  });

  it("peek says a held sweep changed once events name its trials", async () => {
    const { store } = await counted();
    await store.createTrial("s", 0, {}, 0);
    const view = new SweepView(store);
    const snap = await view.snapshot("s");
    expect(view.peek("s")).toEqual({ version: snap.version, loaded: true, changed: false });
    await store.claimTrial("s", 0, { workerId: "w", token: "t" });
    await view.next();
    expect(view.peek("s")).toEqual({ version: snap.version, loaded: true, changed: true });
  });
});

describe("sweep facts", () => {
  it("counts finished and in-flight trials from a sweep's counters", () => {
    const counts = { waiting: 1, running: 2, complete: 3, pruned: 4, failed: 5 };
    expect(finishedCount(counts)).toBe(12);
    expect(inFlightCount(counts)).toBe(3);
  });

  it("calls a worker alive up to WORKER_ALIVE_MS after its last heartbeat", () => {
    const now = 1_000_000;
    expect(isWorkerAlive({ seenAt: now - WORKER_ALIVE_MS }, now)).toBe(true);
    expect(isWorkerAlive({ seenAt: now - WORKER_ALIVE_MS - 1 }, now)).toBe(false);
    expect(isWorkerAlive({ seenAt: now - 40_000 }, now, 60_000)).toBe(true);
  });
});

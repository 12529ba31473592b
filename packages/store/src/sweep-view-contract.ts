import { afterEach, describe, expect, it } from "vitest";
import { specFixture } from "./contract.ts";
import type { SweepStore } from "./sweep-store.ts";
import { SweepView, type SweepViewOptions } from "./sweep-view.ts";

/** Opens an empty store; `cleanup` removes what the test wrote. */
export type OpenStore = () => Promise<{ store: SweepStore; cleanup: () => Promise<void> }>;

/**
 * What a SweepView must do over any SweepStore, run against the in-memory and the Redis store
 * alike (as `contract.ts` is for the stores themselves).
 */
export function sweepViewContract(name: string, open: OpenStore): void {
  let cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups) await c();
    cleanups = [];
  });

  /** The store with `sweeps` created, and views over it that count the reads they make. */
  async function counted(sweeps: string[] = ["s"]) {
    const { store, cleanup } = await open();
    cleanups.push(cleanup);
    for (const id of sweeps) await store.createSweep(specFixture(), { id, budget: 10 });
    const reads = { getTrial: 0, listTrials: 0 };
    // The view reads through this: the store's own writes (which may read back) are not counted.
    const counting = Object.create(store) as SweepStore;
    counting.getTrial = (id, n) => {
      reads.getTrial++;
      return store.getTrial(id, n);
    };
    counting.listTrials = (id) => {
      reads.listTrials++;
      return store.listTrials(id);
    };
    const viewOf = (opts?: SweepViewOptions) => new SweepView(counting, opts);
    return { store, reads, viewOf };
  }

  const states = (trials: readonly { number: number; state: string }[]) => trials.map((t) => `${t.number}:${t.state}`);

  describe(`SweepView over the ${name} store`, () => {
    it("follows the stream from where it stood at ready(), moving its cursor past what it read", async () => {
      const { store, viewOf } = await counted();
      await store.createTrial("s", 0, {}, 0);
      const view = viewOf();
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
      const { store, reads, viewOf } = await counted();
      for (let n = 0; n < 5; n++) await store.createTrial("s", n, {}, n);
      const view = viewOf();
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
      const { store, reads, viewOf } = await counted();
      const view = viewOf();
      await view.snapshot("s");
      view.remember(await store.createTrial("s", 0, {}, 0));
      await view.next();
      expect(states((await view.snapshot("s")).trials)).toEqual(["0:waiting"]);
      expect(reads).toEqual({ getTrial: 0, listTrials: 1 });
    });

    it("reloads every held sweep after invalidate() and one on reread", async () => {
      const { reads, viewOf } = await counted(["a", "b"]);
      const view = viewOf();
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
      const { viewOf } = await counted(["a", "b", "c"]);
      const view = viewOf({ maxSweeps: 2 });
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
      const { store, viewOf } = await counted();
      await store.createTrial("s", 0, {}, 0);
      const view = viewOf();
      const snap = await view.snapshot("s");
      expect(view.peek("s")).toEqual({ version: snap.version, loaded: true, changed: false });
      await store.claimTrial("s", 0, { workerId: "w", token: "t" });
      await view.next();
      expect(view.peek("s")).toEqual({ version: snap.version, loaded: true, changed: true });
    });
  });
}

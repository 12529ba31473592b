import { describe, expect, it } from "vitest";
import { MemorySweepStore } from "./memory-store.ts";
import { WORKER_ALIVE_MS, finishedCount, inFlightCount, isWorkerAlive } from "./sweep-facts.ts";
import { sweepViewContract } from "./sweep-view-contract.ts";

sweepViewContract("memory", async () => ({ store: new MemorySweepStore(), cleanup: async () => {} }));

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

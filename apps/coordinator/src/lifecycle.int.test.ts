/**
 * A sweep's life beyond launch → complete, against a real Redis and a real BullMQ queue: given
 * configurations first, a warm start from another sweep, an extended budget. Trials are consumed by
 * an in-test BullMQ worker reporting a synthetic loss through the store's verbs (real training runs
 * in `apps/cli/test/lifecycle.e2e.test.ts`).
 */
import { randomUUID } from "node:crypto";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Worker, type Job } from "bullmq";
import { TRIALS_QUEUE, bullPrefix, parseSweepSpec, type SweepSpecInput, type TrialPayload } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { Coordinator } from "./coordinator.ts";
import { TrialQueue } from "./trial-queue.ts";
import { launchSweep } from "./launch.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const SPACE = { hidden_size: [8, 16, 32], dropout: { type: "float", low: 0, high: 0.5 } };

function spec(input: Partial<SweepSpecInput>) {
  const r = parseSweepSpec({ name: "life", method: "random", budget: 4, epochs: 1, parallelism: 2, space: SPACE, ...input });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

const objective = (p: Record<string, unknown>) => (Number(p.dropout ?? 0.2) - 0.2) ** 2 + Number(p.hidden_size ?? 8) / 1000;
const key = (p: Record<string, unknown>) => JSON.stringify(Object.entries(p).sort());

describe("sweep lifecycle through the coordinator", () => {
  let prefix: string;
  let redis: ReturnType<typeof connectRedis>;
  let store: RedisSweepStore;
  let queue: TrialQueue;
  let worker: Worker<TrialPayload>;
  let coordinator: Coordinator;

  beforeEach(() => {
    prefix = `hqtest:${randomUUID().slice(0, 8)}`;
    redis = connectRedis(url);
    store = new RedisSweepStore(redis, { keyPrefix: prefix });
    queue = new TrialQueue({ connection: connectRedis(url), keyPrefix: prefix, backoffMs: 50 });
    worker = new Worker<TrialPayload>(
      TRIALS_QUEUE,
      async (job: Job<TrialPayload>) => {
        const { sweepId, trialNumber: n, params } = job.data;
        const token = `${job.id}/${job.attemptsMade}`;
        if (!(await store.claimTrial(sweepId, n, { workerId: "test", token })).ok) return;
        const loss = objective(params);
        await store.reportEpoch(sweepId, n, token, { epoch: 1, trainLoss: loss, valLoss: loss, learningRate: 1e-3, durationMs: 1 });
        await store.completeTrial(sweepId, n, token, {
          valLoss: loss, valMae: loss, valRmse: loss, naiveMae: 1, meanMae: 2, maeRatio: loss, trainLoss: loss, bestEpoch: 1, epochs: 1, durationMs: 1, backend: "none", workerId: "test",
        });
      },
      { connection: connectRedis(url), prefix: bullPrefix(prefix), concurrency: 4 },
    );
    coordinator = new Coordinator({ store, queue, idleMs: 100, reconcileMs: 200, leaseMs: 2000 });
    coordinator.start();
  });
  afterEach(async () => {
    await coordinator.stop();
    await worker.close();
    await queue.close();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await store.close();
    redis.disconnect();
  });

  /** Waits on the event stream (not the clock) until the sweep is in `state`. */
  async function until(id: string, state: string) {
    let cursor = "0";
    for (;;) {
      const s = await store.getSweep(id);
      if (s?.state === state) return s;
      const events = await store.readEvents(cursor, { blockMs: 1000 });
      if (events.length) cursor = events[events.length - 1]!.id;
    }
  }

  it("runs the given configurations first, in order, then the sampler's (random and gp)", async () => {
    const initial = [{ hidden_size: 32, dropout: 0.45 }, { hidden_size: 8, dropout: 0.05 }, { hidden_size: 16, dropout: 0.2 }];
    for (const method of ["random", "gp"] as const) {
      await store.createSweep(spec({ method, budget: 7, initial }), { id: method, budget: 7 });
      const s = await until(method, "complete");
      expect(s.counts.complete).toBe(7);
      const trials = await store.listTrials(method);
      expect(trials.slice(0, 3).map((t) => t.params)).toEqual(initial);
      expect(new Set(trials.map((t) => key(t.params))).size).toBe(7);
    }
  });

  it("grid: a given grid point takes its place and is not run twice", async () => {
    const g = spec({ method: "grid", budget: undefined, space: { hidden_size: [8, 16], dropout: [0.1, 0.3] }, initial: [{ hidden_size: 16, dropout: 0.3 }] });
    await store.createSweep(g, { id: "g", budget: 4 });
    const s = await until("g", "complete");
    expect(s.counts.complete).toBe(4);
    const trials = await store.listTrials("g");
    expect(trials[0]?.params).toEqual({ hidden_size: 16, dropout: 0.3 });
    expect(trials.map((t) => `${t.params.hidden_size}/${t.params.dropout}`).sort()).toEqual(["16/0.1", "16/0.3", "8/0.1", "8/0.3"]);
  });

  it("warm-starts from another sweep: its finished trials are observations, not re-run; a foreign space is refused", async () => {
    await store.createSweep(spec({ budget: 5 }), { id: "cold", budget: 5 });
    await until("cold", "complete");
    const source = await store.listTrials("cold");

    const warmSpec = spec({ method: "gp", budget: 4, warmStartFrom: "cold", space: { ...SPACE, seq_len: 20 } });
    const warm = await launchSweep(store, { id: "warm", spec: warmSpec, budget: 4, warnings: [] });
    expect(warm.warmStart).toEqual({ from: "cold", observations: 5 });
    const obs = await store.observations("warm");
    expect(obs.map((o) => o.trial)).toEqual([0, 1, 2, 3, 4]);
    expect(obs.map((o) => o.params)).toEqual(source.map((t) => ({ ...t.params, seq_len: 20 })));
    expect(obs.map((o) => o.value)).toEqual(source.map((t) => t.metrics!.valLoss));
    const s = await until("warm", "complete");
    expect(s.counts.complete).toBe(4);
    // With five observations (the GP's initial design is max(5, 2 × 2)), every new trial is model-based and none repeats one.
    const known = new Set(obs.map((o) => key(o.params)));
    for (const t of await store.listTrials("warm")) expect(known.has(key(t.params))).toBe(false);

    const foreign = spec({ warmStartFrom: "cold", space: { learning_rate: { type: "float", low: 1e-4, high: 1e-2, log: true } } });
    await expect(launchSweep(store, { id: "foreign", spec: foreign, budget: 4, warnings: [] })).rejects.toThrow(/warmStartFrom: sweep "cold" shares no searched parameter/);
    await expect(launchSweep(store, { id: "ghost", spec: spec({ warmStartFrom: "nope" }), budget: 4, warnings: [] })).rejects.toThrow(/no sweep "nope"/);
    expect(await store.getSweep("foreign")).toBeUndefined();
  });

  it("extends a complete sweep: it runs again up to the new budget, the GP carrying on from the stored history", async () => {
    await store.createSweep(spec({ method: "gp", budget: 6 }), { id: "x", budget: 6 });
    await until("x", "complete");
    const r = await store.extendSweep("x", 9);
    expect(r).toMatchObject({ ok: true, reopened: true });
    const s = await until("x", "complete");
    expect(s).toMatchObject({ budget: 9, created: 9, counts: { complete: 9 } });
    const trials = await store.listTrials("x");
    expect(trials.map((t) => t.number)).toEqual([...Array(9).keys()]);
    expect(new Set(trials.map((t) => key(t.params))).size).toBe(9);
    expect((await store.readEvents("0")).filter((e) => e.type === "sampler.warning")).toEqual([]);
  });
});

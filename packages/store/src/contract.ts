/**
 * The behaviour every SweepStore must have, as a vitest suite run against each implementation
 * (in the manner of Optuna's shared storage tests).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MODEL_FORMAT_VERSION, parseSweepSpec, type SweepSpec, type TrialMetrics } from "@hyperq/protocol";
import type { StoredModel, SweepStore } from "./sweep-store.ts";

export function specFixture(overrides: Record<string, unknown> = {}): SweepSpec {
  const r = parseSweepSpec({
    name: "contract",
    method: "random",
    budget: 5,
    epochs: 3,
    parallelism: 2,
    space: { hidden_size: [16, 32], dropout: { type: "float", low: 0.1, high: 0.3 } },
    ...overrides,
  });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  return r.value;
}

export function metricsFixture(valLoss: number, workerId = "w1"): TrialMetrics {
  return {
    valLoss,
    valMae: valLoss * 10,
    valRmse: valLoss * 12,
    naiveMae: 5,
    meanMae: 50,
    maeRatio: (valLoss * 10) / 5,
    trainLoss: valLoss / 2,
    bestEpoch: 3,
    epochs: 3,
    durationMs: 100,
    backend: "cpu",
    workerId,
  };
}

/** A model whose weights are `values` (float32 little-endian), for trial `trial`. */
export function modelFixture(trial: number, values: readonly number[]): StoredModel {
  const scaler = { kind: "standard" as const, columns: ["x"], offset: [0], scale: [1] };
  return {
    manifest: {
      formatVersion: MODEL_FORMAT_VERSION,
      hyperqVersion: "0.0.0",
      tfjsVersion: "0.0.0",
      sweepId: "s",
      trial,
      variant: "single",
      hyperparams: { seq_len: 2 },
      dateColumn: "date",
      features: ["x"],
      target: "x",
      targetTransform: "raw",
      featureTransform: "raw",
      missing: "reject",
      seqLen: 2,
      horizon: 1,
      featureScaler: scaler,
      targetScaler: scaler,
      splits: {},
      contentHash: "0",
      scores: { valLoss: 0, valMae: 0, bestEpoch: 1 },
      weights: [{ name: "w", shape: [values.length] }],
    },
    weights: new Uint8Array(Float32Array.from(values).buffer),
  };
}

const report = (epoch: number, valLoss: number) => ({ epoch, trainLoss: valLoss, valLoss, learningRate: 1e-3, durationMs: 5 });

/** What a store holds after {@link cancelScenario}: every trial and the events the cancel emitted (ids dropped). */
export interface CancelOutcome {
  trials: { number: number; state: string; reason?: string; finishedAt?: number }[];
  counts: Record<string, number>;
  events: Record<string, unknown>[];
  active: string[];
}

/**
 * Cancels a sweep holding trials in every state (one running, one complete, one failed, waiting
 * ones created out of number order) and returns what the store then holds, so that each store can
 * be checked against the expected outcome and the two stores against each other.
 */
export async function cancelScenario(store: SweepStore): Promise<CancelOutcome> {
  await store.createSweep(specFixture(), { id: "s", budget: 7, now: 1000 });
  for (const n of [0, 1, 2, 3, 4, 6, 5]) await store.createTrial("s", n, {}, n, 1000 + n);
  await store.claimTrial("s", 0, { workerId: "w", token: "a" }, 2000);
  await store.claimTrial("s", 1, { workerId: "w", token: "b" }, 2000);
  await store.completeTrial("s", 1, "b", metricsFixture(0.5), 3000);
  await store.claimTrial("s", 3, { workerId: "w", token: "c" }, 2000);
  await store.failTrial("s", 3, "c", "diverged", 3000);
  expect(await store.setSweepState("s", "paused", 4000)).toBe(true);
  const before = await store.lastEventId();
  expect(await store.setSweepState("s", "cancelled", 5000)).toBe(true);
  const events = (await store.readEvents(before)).map(({ id: _id, ...e }) => e as Record<string, unknown>);
  const trials = (await store.listTrials("s")).map((t) => ({
    number: t.number,
    state: t.state,
    ...(t.reason !== undefined ? { reason: t.reason } : {}),
    ...(t.finishedAt !== undefined ? { finishedAt: t.finishedAt } : {}),
  }));
  const sweep = await store.getSweep("s");
  return { trials, counts: { ...sweep?.counts }, events, active: await store.activeSweepIds() };
}

export function sweepStoreContract(name: string, open: () => Promise<{ store: SweepStore; cleanup: () => Promise<void> }>): void {
  describe(`SweepStore contract: ${name}`, () => {
    let store: SweepStore;
    let cleanup: () => Promise<void>;
    beforeEach(async () => {
      ({ store, cleanup } = await open());
    });
    afterEach(async () => {
      await cleanup();
    });

    it("creates, lists and reads sweeps", async () => {
      const s = await store.createSweep(specFixture(), { id: "s1", budget: 5, now: 1000 });
      expect(s).toMatchObject({ id: "s1", name: "contract", state: "running", budget: 5, created: 0 });
      await store.createSweep(specFixture({ name: "second" }), { id: "s2", budget: 3, now: 2000 });
      expect((await store.listSweeps()).map((x) => x.id)).toEqual(["s2", "s1"]);
      expect((await store.activeSweepIds()).sort()).toEqual(["s1", "s2"]);
      await expect(store.createSweep(specFixture(), { id: "s1", budget: 5 })).rejects.toThrow(/already exists/);
      expect(await store.getSweep("nope")).toBeUndefined();
    });

    it("creates trials idempotently and counts them", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 5 });
      const t = await store.createTrial("s", 0, { hidden_size: 16 }, 42);
      expect(t).toMatchObject({ number: 0, state: "waiting", seed: 42, params: { hidden_size: 16 }, attempts: 0 });
      const again = await store.createTrial("s", 0, { hidden_size: 32 }, 7);
      expect(again.params).toEqual({ hidden_size: 16 });
      await store.createTrial("s", 1, { hidden_size: 32 }, 43);
      const s = await store.getSweep("s");
      expect(s?.created).toBe(2);
      expect(s?.counts.waiting).toBe(2);
      expect((await store.listTrials("s")).map((x) => x.number)).toEqual([0, 1]);
    });

    it("accepts exactly one result per trial, only from its current owner", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 5 });
      await store.createTrial("s", 0, { hidden_size: 16 }, 1);
      const a = await store.claimTrial("s", 0, { workerId: "w1", token: "a1" });
      expect(a).toMatchObject({ ok: true, attempt: 1 });
      // The attempt stalls; BullMQ hands the trial to another worker.
      const b = await store.claimTrial("s", 0, { workerId: "w2", token: "b1" });
      expect(b).toMatchObject({ ok: true, attempt: 2 });
      expect(await store.reportEpoch("s", 0, "a1", report(1, 0.5))).toEqual({ decision: "stop", reason: "lost" });
      expect(await store.completeTrial("s", 0, "a1", metricsFixture(0.1, "w1"))).toBe(false);
      expect(await store.reportEpoch("s", 0, "b1", report(1, 0.4))).toEqual({ decision: "continue" });
      expect(await store.completeTrial("s", 0, "b1", metricsFixture(0.3, "w2"))).toBe(true);
      expect(await store.completeTrial("s", 0, "b1", metricsFixture(0.2, "w2"))).toBe(false);
      expect(await store.failTrial("s", 0, null, "late")).toBe(false);
      const t = await store.getTrial("s", 0);
      expect(t).toMatchObject({ state: "complete", workerId: "w2", attempts: 2 });
      expect(t?.metrics?.valLoss).toBe(0.3);
      const lb = await store.leaderboard("s");
      expect(lb.total).toBe(1);
      expect(await store.claimTrial("s", 0, { workerId: "w3", token: "c" })).toEqual({ ok: false, reason: "finished" });
      const s = await store.getSweep("s");
      expect(s?.counts).toMatchObject({ waiting: 0, running: 0, complete: 1 });
      expect(s?.best).toEqual({ trial: 0, valLoss: 0.3 });
    });

    it("takes a trial handed back by its owner as waiting, refusing the released attempt's late writes", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 5 });
      await store.createTrial("s", 0, {}, 1);
      await store.claimTrial("s", 0, { workerId: "w1", token: "a" });
      await store.reportEpoch("s", 0, "a", report(1, 0.5));
      expect(await store.releaseTrial("s", 0, "other")).toBe(false);
      expect(await store.releaseTrial("s", 0, "a")).toBe(true);
      expect(await store.releaseTrial("s", 0, "a")).toBe(false);
      expect((await store.getTrial("s", 0))?.state).toBe("waiting");
      expect((await store.getSweep("s"))?.counts).toMatchObject({ waiting: 1, running: 0 });
      expect(await store.reportEpoch("s", 0, "a", report(2, 0.4))).toEqual({ decision: "stop", reason: "lost" });
      expect(await store.completeTrial("s", 0, "a", metricsFixture(0.4))).toBe(false);
      expect(await store.claimTrial("s", 0, { workerId: "w2", token: "b" })).toMatchObject({ ok: true, attempt: 2 });
      expect((await store.getSweep("s"))?.counts).toMatchObject({ waiting: 0, running: 1 });
      expect(await store.completeTrial("s", 0, "b", metricsFixture(0.3, "w2"))).toBe(true);
      expect(await store.releaseTrial("s", 0, "b")).toBe(false);
      expect((await store.getTrial("s", 0))?.state).toBe("complete");
    });

    it("keeps epoch histories and rungs, restarting them on a new attempt", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 5 });
      await store.createTrial("s", 0, {}, 1);
      await store.claimTrial("s", 0, { workerId: "w1", token: "a" });
      await store.reportEpoch("s", 0, "a", report(1, 0.9));
      await store.reportEpoch("s", 0, "a", report(2, 0.7));
      await store.reportEpoch("s", 0, "a", report(2, 0.1)); // repeated: ignored
      expect((await store.epochs("s", 0)).map((e) => e.valLoss)).toEqual([0.9, 0.7]);
      expect((await store.getTrial("s", 0))?.bestValLoss).toBe(0.7);
      expect(await store.rung("s", 2)).toEqual(new Map([[0, 0.7]]));
      await store.claimTrial("s", 0, { workerId: "w2", token: "b" });
      await store.reportEpoch("s", 0, "b", report(1, 0.8));
      expect((await store.epochs("s", 0)).map((e) => e.valLoss)).toEqual([0.8]);
    });

    it("ranks complete trials by loss, then pruned ones, with pagination", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 6 });
      const losses = [0.5, 0.2, 0.9, 0.1];
      for (const [i, loss] of losses.entries()) {
        await store.createTrial("s", i, {}, i);
        await store.claimTrial("s", i, { workerId: "w", token: `t${i}` });
        await store.completeTrial("s", i, `t${i}`, metricsFixture(loss));
      }
      await store.createTrial("s", 4, {}, 4);
      await store.claimTrial("s", 4, { workerId: "w", token: "t4" });
      await store.reportEpoch("s", 4, "t4", report(1, 0.05));
      expect(await store.trialDecision("s", 4)).toEqual({ epoch: 0 });
      expect(await store.decideTrial("s", 4, 1, { prune: false })).toBe(true);
      expect(await store.trialDecision("s", 4)).toEqual({ epoch: 1 });
      expect(await store.decideTrial("s", 4, 1, { prune: true, reason: "asha rung 1" })).toBe(true);
      expect(await store.trialDecision("s", 4)).toEqual({ epoch: 1, prune: "asha rung 1" });
      expect(await store.reportEpoch("s", 4, "t4", report(2, 0.04))).toEqual({ decision: "stop", reason: "pruned" });
      expect(await store.pruneTrial("s", 4, "t4", "stopped after epoch 2")).toBe(true);
      expect(await store.decideTrial("s", 4, 3, { prune: true })).toBe(false); // finished: nothing to decide
      const page = await store.leaderboard("s");
      expect(page.rows.map((r) => r.number)).toEqual([3, 1, 0, 2, 4]);
      expect(page.total).toBe(5);
      const p2 = await store.leaderboard("s", { offset: 2, limit: 2 });
      expect(p2.rows.map((r) => r.number)).toEqual([0, 2]);
      const pruned = await store.leaderboard("s", { states: ["pruned"] });
      expect(pruned.rows.map((r) => r.number)).toEqual([4]);
      expect((await store.getTrial("s", 4))?.reason).toBe("asha rung 1; stopped after epoch 2");
    });

    it("pauses, resumes and cancels; cancelling fails waiting trials and stops running ones", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 5 });
      await store.createTrial("s", 0, {}, 0);
      await store.createTrial("s", 1, {}, 1);
      await store.claimTrial("s", 0, { workerId: "w", token: "a" });
      expect(await store.setSweepState("s", "paused")).toBe(true);
      expect(await store.setSweepState("s", "paused")).toBe(false);
      expect(await store.setSweepState("s", "running")).toBe(true);
      expect(await store.setSweepState("s", "cancelled")).toBe(true);
      expect((await store.getTrial("s", 1))?.state).toBe("failed");
      expect(await store.reportEpoch("s", 0, "a", report(1, 0.3))).toEqual({ decision: "stop", reason: "cancelled" });
      expect(await store.setSweepState("s", "running")).toBe(false);
      expect(await store.activeSweepIds()).toEqual([]);
    });

    it("cancels in one transition: every waiting trial failed, one event each, in trial order", async () => {
      const out = await cancelScenario(store);
      const cancelled = (trial: number) => ({ number: trial, state: "failed", reason: "cancelled", finishedAt: 5000 });
      expect(out.trials).toEqual([
        { number: 0, state: "running" },
        { number: 1, state: "complete", finishedAt: 3000 },
        cancelled(2),
        { number: 3, state: "failed", reason: "diverged", finishedAt: 3000 },
        cancelled(4),
        cancelled(5),
        cancelled(6),
      ]);
      expect(out.counts).toEqual({ waiting: 0, running: 1, complete: 1, pruned: 0, failed: 5 });
      const finished = (trial: number) => ({ type: "trial.finished", sweepId: "s", trial, at: 5000, state: "failed", reason: "cancelled" });
      expect(out.events).toEqual([{ type: "sweep.state", sweepId: "s", at: 5000, state: "cancelled" }, finished(2), finished(4), finished(5), finished(6)]);
      expect(out.active).toEqual([]);
      const after = await store.lastEventId();
      expect(await store.setSweepState("s", "cancelled", 6000)).toBe(false);
      expect(await store.readEvents(after)).toEqual([]);
    });

    it("streams events in order and blocks for new ones", async () => {
      const start = await store.lastEventId();
      await store.createSweep(specFixture(), { id: "s", budget: 5 });
      await store.createTrial("s", 0, {}, 0);
      const evs = await store.readEvents(start);
      expect(evs.map((e) => e.type)).toEqual(["sweep.created", "trial.created"]);
      const last = evs[evs.length - 1]!.id;
      const pending = store.readEvents(last, { blockMs: 2000 });
      await store.appendEvent({ type: "sampler.warning", sweepId: "s", at: 1, message: "hello" });
      const got = await pending;
      expect(got.map((e) => e.type)).toEqual(["sampler.warning"]);
      expect(await store.readEvents(got[0]!.id, { blockMs: 50 })).toEqual([]);
    });

    it("deletes a finished sweep with its trials and events; a blob goes with its last sweep", async () => {
      const h1 = "1".repeat(64);
      const h2 = "2".repeat(64);
      const withFile = (hash: string) => specFixture({ dataset: { path: "/data/f.csv", target: "v", contentHash: hash } });
      await store.putBlob(h1, "date,v\n");
      await store.putBlob(h2, "date,w\n");
      await store.createSweep(withFile(h1), { id: "a", budget: 5 });
      await store.createSweep(withFile(h1), { id: "b", budget: 5 });
      await store.createSweep(withFile(h2), { id: "c", budget: 5 });
      for (const n of [0, 1, 2]) await store.createTrial("a", n, { hidden_size: 16 }, n);
      await store.createTrial("c", 0, { hidden_size: 16 }, 0);
      await store.claimTrial("a", 0, { workerId: "w1", token: "t0" });
      await store.reportEpoch("a", 0, "t0", report(1, 0.5));
      await store.completeTrial("a", 0, "t0", metricsFixture(0.5));
      await store.claimTrial("a", 1, { workerId: "w1", token: "t1" });
      await store.reportEpoch("a", 1, "t1", report(1, 0.7));
      await store.acquireLease("a", "coord", 60_000);

      expect(await store.deleteSweep("a")).toEqual({ ok: false, reason: "active", state: "running" });
      await store.setSweepState("a", "paused");
      expect(await store.deleteSweep("a")).toEqual({ ok: false, reason: "active", state: "paused" });
      await store.setSweepState("a", "cancelled");
      // Trial 1 is still running: it stops at its next epoch, and only then may the sweep go.
      expect(await store.deleteSweep("a")).toEqual({ ok: false, reason: "running-trials", running: 1 });
      expect(await store.reportEpoch("a", 1, "t1", report(2, 0.6))).toEqual({ decision: "stop", reason: "cancelled" });
      await store.failTrial("a", 1, "t1", "cancelled");

      const eventsOfA = (await store.readEvents("0", { count: 10_000 })).filter((e) => e.sweepId === "a").length;
      expect(eventsOfA).toBeGreaterThan(5);
      expect(await store.deleteSweep("a")).toEqual({ ok: true, trials: 3, events: eventsOfA, blob: { hash: h1, removed: false, sharedWith: 1 } });
      expect(await store.getSweep("a")).toBeUndefined();
      expect((await store.listSweeps()).map((x) => x.id).sort()).toEqual(["b", "c"]);
      expect(await store.listTrials("a")).toEqual([]);
      expect(await store.getTrial("a", 0)).toBeUndefined();
      expect(await store.epochs("a", 0)).toEqual([]);
      expect((await store.leaderboard("a")).total).toBe(0);
      expect((await store.rung("a", 1)).size).toBe(0);
      expect((await store.readEvents("0", { count: 10_000 })).filter((e) => e.sweepId === "a")).toEqual([]);
      expect(await store.acquireLease("a", "other", 60_000)).toBe(true);
      expect(await store.getBlob(h1)).toBe("date,v\n");
      expect(await store.deleteSweep("a")).toEqual({ ok: false, reason: "missing" });

      await store.setSweepState("b", "complete");
      expect(await store.deleteSweep("b")).toMatchObject({ ok: true, trials: 0, blob: { hash: h1, removed: true } });
      expect(await store.getBlob(h1)).toBeUndefined();
      // Another sweep and its blob are untouched.
      expect(await store.getBlob(h2)).toBe("date,w\n");
      expect((await store.listTrials("c")).length).toBe(1);
      expect(await store.activeSweepIds()).toEqual(["c"]);
    });

    it("keeps the models of the top keepModels complete trials, evicting those that fall out, only from the completing attempt", async () => {
      await store.createSweep(specFixture({ keepModels: 2 }), { id: "s", budget: 6 });
      const complete = async (n: number, loss: number) => {
        await store.createTrial("s", n, {}, n);
        await store.claimTrial("s", n, { workerId: "w", token: `t${n}` });
        expect(await store.completeTrial("s", n, `t${n}`, metricsFixture(loss))).toBe(true);
      };
      await store.createTrial("s", 9, {}, 9);
      await store.claimTrial("s", 9, { workerId: "w", token: "t9" });
      expect(await store.putModel("s", 9, "t9", modelFixture(9, [1]))).toEqual({ kept: false, reason: "refused" }); // still running
      await complete(0, 0.5);
      expect(await store.putModel("s", 0, "other", modelFixture(0, [1]))).toEqual({ kept: false, reason: "refused" });
      expect(await store.putModel("s", 0, "t0", modelFixture(0, [0.5, -2]))).toEqual({ kept: true, evicted: [] });
      await complete(1, 0.3);
      expect(await store.putModel("s", 1, "t1", modelFixture(1, [3]))).toEqual({ kept: true, evicted: [] });
      await complete(2, 0.9);
      expect(await store.putModel("s", 2, "t2", modelFixture(2, [4]))).toEqual({ kept: false, reason: "not-in-top" });
      await complete(3, 0.1);
      expect(await store.putModel("s", 3, "t3", modelFixture(3, [5, 6, 7]))).toEqual({ kept: true, evicted: [0] });
      const kept = await store.listModels("s");
      expect(kept.map((m) => [m.trial, m.valLoss])).toEqual([[3, 0.1], [1, 0.3]]);
      const m3 = await store.getModel("s", 3);
      expect(m3?.manifest.trial).toBe(3);
      expect(Array.from(new Float32Array(m3!.weights.slice().buffer))).toEqual([5, 6, 7]);
      expect(kept[0]!.bytes).toBe(12 + JSON.stringify(m3!.manifest).length);
      expect(await store.getModel("s", 0)).toBeUndefined();
      expect(await store.getModel("s", 2)).toBeUndefined();

      await store.createSweep(specFixture({ keepModels: 0 }), { id: "off", budget: 1 });
      await store.createTrial("off", 0, {}, 0);
      await store.claimTrial("off", 0, { workerId: "w", token: "a" });
      await store.completeTrial("off", 0, "a", metricsFixture(0.1));
      expect(await store.putModel("off", 0, "a", modelFixture(0, [1]))).toEqual({ kept: false, reason: "not-in-top" });
      expect(await store.listModels("off")).toEqual([]);
    });

    it("keeps a running trial's checkpoint from its owner only, until deleted", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 5 });
      await store.createTrial("s", 0, {}, 0);
      const blob = Uint8Array.from([0, 1, 2, 255, 128]);
      expect(await store.putCheckpoint("s", 0, "a", blob)).toBe(false); // waiting: nobody owns it
      await store.claimTrial("s", 0, { workerId: "w", token: "a" });
      expect(await store.putCheckpoint("s", 0, "a", blob)).toBe(true);
      await store.claimTrial("s", 0, { workerId: "w2", token: "b" });
      expect(await store.putCheckpoint("s", 0, "a", Uint8Array.from([9]))).toBe(false); // a stale attempt
      expect(Array.from((await store.getCheckpoint("s", 0)) ?? [])).toEqual([0, 1, 2, 255, 128]);
      expect(await store.putCheckpoint("s", 0, "b", Uint8Array.from([7, 7]))).toBe(true);
      expect(Array.from((await store.getCheckpoint("s", 0)) ?? [])).toEqual([7, 7]);
      await store.deleteCheckpoint("s", 0);
      expect(await store.getCheckpoint("s", 0)).toBeUndefined();
      // Finishing a trial deletes its checkpoint, whoever finishes it.
      expect(await store.putCheckpoint("s", 0, "b", Uint8Array.from([1]))).toBe(true);
      expect(await store.failTrial("s", 0, null, "attempts exhausted")).toBe(true);
      expect(await store.getCheckpoint("s", 0)).toBeUndefined();
      await store.createTrial("s", 1, {}, 1);
      await store.claimTrial("s", 1, { workerId: "w", token: "c" });
      expect(await store.putCheckpoint("s", 1, "c", Uint8Array.from([1]))).toBe(true);
      expect(await store.completeTrial("s", 1, "c", metricsFixture(0.2))).toBe(true);
      expect(await store.getCheckpoint("s", 1)).toBeUndefined();
    });

    it("keeps blobs, leases and workers", async () => {
      await store.putBlob("ab", "date,x\n");
      expect(await store.getBlob("ab")).toBe("date,x\n");
      expect(await store.getBlob("cd")).toBeUndefined();
      expect(await store.acquireLease("s", "c1", 5000)).toBe(true);
      expect(await store.acquireLease("s", "c2", 5000)).toBe(false);
      expect(await store.acquireLease("s", "c1", 5000)).toBe(true);
      await store.releaseLease("s", "c1");
      expect(await store.acquireLease("s", "c2", 5000)).toBe(true);
      const w = { id: "w1", host: "h", pid: 1, backend: "wasm", concurrency: 1, startedAt: 1, seenAt: 2, current: [] };
      await store.announceWorker(w);
      expect(await store.listWorkers()).toEqual([w]);
      await store.removeWorker("w1");
      expect(await store.listWorkers()).toEqual([]);
    });

    it("asks a registered worker to stop, and forgets the request when it leaves", async () => {
      const w = { id: "w9", host: "h", pid: 1, backend: "wasm", concurrency: 1, startedAt: 1, seenAt: 2, current: [] };
      expect(await store.requestWorkerStop("w9")).toBe(false);
      await store.announceWorker(w);
      expect(await store.workerStopRequested("w9")).toBe(false);
      expect(await store.requestWorkerStop("w9")).toBe(true);
      expect(await store.workerStopRequested("w9")).toBe(true);
      await store.removeWorker("w9");
      expect(await store.workerStopRequested("w9")).toBe(false);
      expect(await store.listWorkers()).toEqual([]);
    });

    it("keeps a warm start's observations with the sweep", async () => {
      const observations = [
        { trial: 3, params: { hidden_size: 16, dropout: 0.2 }, value: 0.5 },
        { trial: 5, params: { hidden_size: 32, dropout: 0.1 }, value: 0.25 },
      ];
      const s = await store.createSweep(specFixture(), { id: "warm", budget: 5, warmStart: { from: "cold", observations } });
      expect(s.warmStart).toEqual({ from: "cold", observations: 2 });
      expect(await store.observations("warm")).toEqual(observations);
      await store.createSweep(specFixture(), { id: "plain", budget: 5 });
      expect((await store.getSweep("plain"))?.warmStart).toBeUndefined();
      expect(await store.observations("plain")).toEqual([]);
    });

    it("extends a sweep's budget: running and paused keep their state, complete runs again; refusals say why", async () => {
      await store.createSweep(specFixture(), { id: "s", budget: 3 });
      for (let i = 0; i < 3; i++) await store.createTrial("s", i, { hidden_size: 16, dropout: 0.1 + i / 100 }, i);
      const cursor = await store.lastEventId();
      expect(await store.extendSweep("s", 2)).toEqual({ ok: false, reason: "below-created" });
      const up = await store.extendSweep("s", 6);
      expect(up).toMatchObject({ ok: true, reopened: false, record: { state: "running", budget: 6 } });
      await store.setSweepState("s", "paused");
      expect(await store.extendSweep("s", 7)).toMatchObject({ ok: true, reopened: false, record: { state: "paused", budget: 7 } });
      // Lowering, but not below the trials created, is allowed.
      expect(await store.extendSweep("s", 3)).toMatchObject({ ok: true, record: { budget: 3 } });
      await store.setSweepState("s", "complete");
      expect(await store.activeSweepIds()).toEqual([]);
      expect(await store.extendSweep("s", 3)).toEqual({ ok: false, reason: "nothing-to-run" });
      const again = await store.extendSweep("s", 5);
      expect(again).toMatchObject({ ok: true, reopened: true, record: { state: "running", budget: 5 } });
      expect(again.ok && again.record.finishedAt).toBeUndefined();
      expect(await store.activeSweepIds()).toEqual(["s"]);
      const events = (await store.readEvents(cursor)).filter((e) => e.type === "sweep.extended" || e.type === "sweep.state");
      expect(events.map((e) => (e.type === "sweep.extended" ? `extended ${e.previous}→${e.budget}` : `state ${e.state}`))).toEqual([
        "extended 3→6",
        "state paused",
        "extended 6→7",
        "extended 7→3",
        "state complete",
        "extended 3→5",
        "state running",
      ]);
      await store.setSweepState("s", "cancelled");
      expect(await store.extendSweep("s", 10)).toEqual({ ok: false, reason: "cancelled" });
      expect(await store.extendSweep("nope", 10)).toEqual({ ok: false, reason: "missing" });
      expect((await store.getSweep("s"))?.budget).toBe(5);
    });
  });
}

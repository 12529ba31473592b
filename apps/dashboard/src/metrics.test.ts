import request from "supertest";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { MemorySweepStore, type SweepRecord } from "@hyperq/store";
import type { TrialMetrics } from "@hyperq/protocol";
import { fixtureSpec } from "@hyperq/store/testing";
import { DashboardMetrics, trialsWanted } from "./metrics.ts";
import { parsePrometheusText, sampleValue } from "./prom-text.ts";
import { createServer, type DashboardApp } from "./server.ts";

const metricsOf = (valLoss: number, workerId: string): TrialMetrics => ({
  valLoss,
  valMae: 1,
  valRmse: 1,
  naiveMae: 1,
  meanMae: 1,
  maeRatio: 1,
  trainLoss: valLoss,
  bestEpoch: 1,
  epochs: 2,
  durationMs: 10,
  backend: "wasm",
  workerId,
});

async function until(what: string, ok: () => boolean): Promise<void> {
  for (let i = 0; i < 500 && !ok(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!ok()) throw new Error(`never happened: ${what}`);
}

describe("GET /metrics", () => {
  let store: MemorySweepStore;
  let app: DashboardApp;
  let metrics: DashboardMetrics;

  beforeEach(async () => {
    store = new MemorySweepStore();
    app = createServer({ store });
    metrics = new DashboardMetrics({ store, hub: app.dashboard.hub });
    app.get("/metrics", metrics.handler());
    await app.dashboard.hub.ready();
  });
  afterEach(() => {
    metrics.close();
    app.dispose();
  });

  it("exposes sweeps, trials by state, the trials wanted, and what the event stream measured", async () => {
    const sweep = await store.createSweep(fixtureSpec("m", 6, 2), { id: "m", budget: 6 });
    const before = app.dashboard.hub.delivered;
    // Two trials trained by w1 (two epochs of 640 samples each), one running on w2, one waiting.
    for (const [n, worker] of [[0, "w1"], [1, "w1"], [2, "w2"]] as const) {
      await store.createTrial(sweep.id, n, { hidden_size: 8 }, n);
      await store.claimTrial(sweep.id, n, { workerId: worker, token: `t${n}` });
      for (const epoch of [1, 2]) await store.reportEpoch(sweep.id, n, `t${n}`, { epoch, trainLoss: 1, valLoss: 1, learningRate: 0.01, durationMs: 500, samples: 640 });
      if (n < 2) await store.completeTrial(sweep.id, n, `t${n}`, metricsOf(0.5, worker));
    }
    await store.createTrial(sweep.id, 3, { hidden_size: 8 }, 3);
    await store.appendEvent({ type: "sampler.asked", sweepId: sweep.id, at: Date.now(), method: "random", trials: 4, askMs: 3 });
    await store.announceWorker({ id: "w1", host: "h", pid: 1, backend: "wasm", concurrency: 1, startedAt: Date.now(), seenAt: Date.now(), current: [] });
    await store.announceWorker({ id: "w2", host: "h", pid: 2, backend: "wasm", concurrency: 1, startedAt: Date.now(), seenAt: Date.now(), current: ["m#2"] });
    const written = (await store.readEvents("0")).length;
    await until("every event observed", () => app.dashboard.hub.delivered >= before + written);

    const r = await request(app).get("/metrics").expect(200);
    expect(r.headers["content-type"]).toMatch(/^text\/plain; version=0\.0\.4/);
    const m = parsePrometheusText(r.text);
    expect(sampleValue(m, "hyperq_sweeps", { state: "running" })).toBe(1);
    expect(sampleValue(m, "hyperq_sweeps", { state: "complete" })).toBe(0);
    for (const [state, count] of Object.entries({ complete: 2, running: 1, waiting: 1, failed: 0, pruned: 0 })) {
      expect(sampleValue(m, "hyperq_trials", { sweep: "m", state }), state).toBe(count);
    }
    // Budget 6, 2 finished, parallelism 8: 4 trials would be in flight with free workers.
    expect(sampleValue(m, "hyperq_trials_wanted")).toBe(4);
    expect(m.get("hyperq_trials_wanted")?.type).toBe("gauge");
    expect(sampleValue(m, "hyperq_workers")).toBe(2);
    expect(sampleValue(m, "hyperq_worker_trials_running", { worker: "w1" })).toBe(0);
    expect(sampleValue(m, "hyperq_worker_trials_running", { worker: "w2" })).toBe(1);
    expect(sampleValue(m, "hyperq_epoch_duration_seconds", {}, "hyperq_epoch_duration_seconds_count")).toBe(6);
    expect(sampleValue(m, "hyperq_epoch_duration_seconds", {}, "hyperq_epoch_duration_seconds_sum")).toBeCloseTo(3);
    expect(sampleValue(m, "hyperq_trial_duration_seconds", { state: "complete" }, "hyperq_trial_duration_seconds_count")).toBe(2);
    expect(sampleValue(m, "hyperq_worker_samples_total", { worker: "w1" })).toBe(4 * 640);
    expect(sampleValue(m, "hyperq_worker_samples_total", { worker: "w2" })).toBe(2 * 640);
    expect(sampleValue(m, "hyperq_worker_samples_per_second", { worker: "w1" })).toBeCloseTo(1280);
    expect(sampleValue(m, "hyperq_worker_trials_total", { worker: "w1", state: "complete" })).toBe(2);
    expect(sampleValue(m, "hyperq_sampler_ask_seconds", { method: "random" }, "hyperq_sampler_ask_seconds_count")).toBe(1);
    expect(sampleValue(m, "hyperq_sampler_ask_seconds", { method: "random" }, "hyperq_sampler_ask_seconds_sum")).toBeCloseTo(0.003);
    expect(m.has("hyperq_dashboard_process_resident_memory_bytes")).toBe(true);

    // A worker gone from the registry keeps its counters but loses its current figures.
    await store.removeWorker("w1");
    await request(app).get("/metrics").expect(200);
    const after = parsePrometheusText((await request(app).get("/metrics").expect(200)).text);
    expect(sampleValue(after, "hyperq_workers")).toBe(1);
    expect(sampleValue(after, "hyperq_worker_trials_running", { worker: "w1" })).toBeUndefined();
    expect(sampleValue(after, "hyperq_worker_samples_per_second", { worker: "w1" })).toBeUndefined();
    expect(sampleValue(after, "hyperq_worker_samples_per_second", { worker: "w2" })).toBeCloseTo(1280);
    expect(sampleValue(after, "hyperq_worker_samples_total", { worker: "w1" })).toBe(4 * 640);
  });

  it("appends BullMQ's queue metrics, and answers 503 when the store cannot be read", async () => {
    const withQueue = new DashboardMetrics({
      store,
      hub: app.dashboard.hub,
      queue: { exportPrometheusMetrics: async (labels) => `# HELP bullmq_job_count Jobs\n# TYPE bullmq_job_count gauge\nbullmq_job_count{queue="trials", state="waiting", prefix="${labels?.prefix ?? ""}"} 3` },
      queueLabels: { prefix: "hq" },
    });
    try {
      const m = parsePrometheusText(await withQueue.render());
      expect(sampleValue(m, "bullmq_job_count", { queue: "trials", state: "waiting", prefix: "hq" })).toBe(3);
    } finally {
      withQueue.close();
    }
    store.listSweeps = () => Promise.reject(new Error("connection refused"));
    const r = await request(app).get("/metrics").expect(503);
    expect(r.text).toBe("metrics unavailable: connection refused\n");
  });
});

describe("trialsWanted", () => {
  const sweep = (state: SweepRecord["state"], budget: number, parallelism: number, counts: Partial<SweepRecord["counts"]>): SweepRecord =>
    ({ state, budget, spec: { parallelism }, counts: { waiting: 0, running: 0, complete: 0, failed: 0, pruned: 0, ...counts } }) as unknown as SweepRecord;

  it("counts parallelism per running sweep, less when the budget ends, the running trials of paused ones, nothing for finished ones", () => {
    expect(trialsWanted([sweep("running", 100, 4, { running: 1 })])).toBe(4);
    expect(trialsWanted([sweep("running", 10, 4, { complete: 8, running: 1 })])).toBe(2);
    expect(trialsWanted([sweep("running", 10, 4, { complete: 6, failed: 2, pruned: 2 })])).toBe(0);
    expect(trialsWanted([sweep("paused", 10, 4, { running: 3, waiting: 1 })])).toBe(3);
    expect(trialsWanted([sweep("complete", 10, 4, { complete: 10 }), sweep("cancelled", 10, 4, { waiting: 2 })])).toBe(0);
    expect(trialsWanted([sweep("running", 100, 4, {}), sweep("running", 100, 2, {})])).toBe(6);
  });
});

describe("parsePrometheusText", () => {
  it("reads families, labels with escapes, special values and timestamps", () => {
    const m = parsePrometheusText('# HELP a_total A.\n# TYPE a_total counter\na_total{x="q\\"\\\\\\n", y="2",} 1.5e3 1700000000\nb NaN\nc{z="1"} +Inf\n');
    expect(m.get("a_total")).toMatchObject({ type: "counter", help: "A.", samples: [{ labels: { x: 'q"\\\n', y: "2" }, value: 1500 }] });
    expect(Number.isNaN(sampleValue(m, "b"))).toBe(true);
    expect(sampleValue(m, "c", { z: "1" })).toBe(Number.POSITIVE_INFINITY);
  });

  it("refuses what Prometheus would refuse", () => {
    const bad: Record<string, string> = {
      "a value that is not a float": "a 1,5\n",
      "the same series twice": 'a{x="1"} 1\na{x="1"} 2\n',
      "a TYPE after the samples": "a 1\n# TYPE a gauge\n",
      "an unterminated label": 'a{x="1} 1\n',
      "a bad label name": 'a{1x="1"} 1\n',
      "buckets that are not cumulative": '# TYPE h histogram\nh_bucket{le="1"} 5\nh_bucket{le="+Inf"} 3\nh_sum 1\nh_count 3\n',
      "a histogram without +Inf": '# TYPE h histogram\nh_bucket{le="1"} 1\nh_sum 1\nh_count 1\n',
      "a _count that disagrees": '# TYPE h histogram\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 3\n',
    };
    for (const [what, text] of Object.entries(bad)) expect(() => parsePrometheusText(text), what).toThrow();
  });
});

/**
 * `/metrics` scraped from a real dashboard process during a real sweep (coordinator, worker, Redis)
 * and read with a strict Prometheus text-format parser.
 */
import { afterAll, describe, expect, it } from "vitest";
import { parsePrometheusText, sampleValue, type PromFamily } from "@hyperq/dashboard";
import { freePort } from "./fault-kit.ts";
import { Deployment } from "./helpers.ts";

const SPEC = `
name: metrics
seed: 11
dataset: { name: sp500, features: [close, volume], target: close, targetTransform: log-return }
model: multi
method: random
budget: 4
parallelism: 2
# Enough epochs that a running trial is there to catch (a tiny epoch takes ~30 ms).
epochs: 20
training: { seq_len: 8, batch_size: 128, num_layers: 1 }
space:
  hidden_size: [4, 8]
  learning_rate: { type: float, low: 0.001, high: 0.01, log: true }
`;

describe("GET /metrics during a real sweep", () => {
  const d = new Deployment();
  afterAll(() => d.stop());

  it("exposes the trials wanted, trials by state, durations, throughput, ask latency and BullMQ's queue", async () => {
    const port = await freePort();
    d.start("dashboard", ["dashboard", "--port", String(port)]);
    const scrape = async (): Promise<Map<string, PromFamily>> => {
      const r = await fetch(`http://127.0.0.1:${port}/metrics`);
      expect(r.status).toBe(200);
      expect(r.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
      return parsePrometheusText(await r.text());
    };
    await d.wait("the dashboard to serve /metrics", () => fetch(`http://127.0.0.1:${port}/metrics`).then((r) => r.ok, () => false), 60_000);

    // Launched before any coordinator runs: nothing is queued yet, but the sweep wants 2 workers.
    const id = await d.launch(SPEC);
    let m = await scrape();
    expect(sampleValue(m, "hyperq_trials_wanted")).toBe(2);
    expect(sampleValue(m, "hyperq_sweeps", { state: "running" })).toBe(1);
    expect(sampleValue(m, "bullmq_job_count", { queue: "trials", state: "waiting", prefix: d.prefix })).toBe(0);

    d.startCluster(1);
    await d.runningTrial(id);
    m = await scrape();
    const wanted = sampleValue(m, "hyperq_trials_wanted")!;
    expect(wanted).toBeGreaterThanOrEqual(1);
    expect(wanted).toBeLessThanOrEqual(2);
    const byState = Object.fromEntries(["waiting", "running", "complete", "failed", "pruned"].map((s) => [s, sampleValue(m, "hyperq_trials", { sweep: id, state: s })]));
    expect(Object.values(byState).every((v) => v !== undefined)).toBe(true);
    const counted = Object.values(byState).reduce((a, b) => a! + b!, 0)!;
    expect(counted).toBeGreaterThanOrEqual(1);
    expect(counted).toBeLessThanOrEqual(4);
    expect(m.get("bullmq_job_count")?.samples.map((s) => s.labels.state)).toEqual(expect.arrayContaining(["active", "waiting", "completed", "failed"]));

    await d.until(id, ["complete"], 200_000);
    // The dashboard follows the event stream; wait until it has seen the last trial finish.
    m = await d.wait(
      "the dashboard to count every finished trial",
      async () => {
        const x = await scrape();
        return sampleValue(x, "hyperq_trial_duration_seconds", { state: "complete" }, "hyperq_trial_duration_seconds_count") === 4 ? x : undefined;
      },
      30_000,
    );
    expect(sampleValue(m, "hyperq_trials_wanted")).toBe(0);
    expect(sampleValue(m, "hyperq_sweeps", { state: "complete" })).toBe(1);
    expect(sampleValue(m, "hyperq_trials", { sweep: id, state: "complete" })).toBe(4);
    const trials = await d.store.listTrials(id);
    const epochs = trials.reduce((a, t) => a + t.epochsReported, 0);
    expect(sampleValue(m, "hyperq_epoch_duration_seconds", {}, "hyperq_epoch_duration_seconds_count")).toBe(epochs);
    const worker = trials[0]!.workerId!;
    expect(sampleValue(m, "hyperq_worker_trials_total", { worker, state: "complete" })).toBe(4);
    expect(sampleValue(m, "hyperq_worker_samples_total", { worker })).toBeGreaterThan(0);
    expect(sampleValue(m, "hyperq_worker_samples_per_second", { worker })).toBeGreaterThan(0);
    expect(sampleValue(m, "hyperq_sampler_ask_seconds", { method: "random" }, "hyperq_sampler_ask_seconds_count")).toBeGreaterThanOrEqual(1);
    expect(sampleValue(m, "bullmq_job_count", { queue: "trials", state: "completed", prefix: d.prefix })).toBe(4);
  });
});

import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import request from "supertest";
import { MemorySweepStore } from "@hyperq/store";
import { parseSweepSpec, trialJobId, type TrialMetrics } from "@hyperq/protocol";
import { createServer, type DashboardApp } from "./server.ts";
import { createFixtureSweep, fixtureSpec } from "@hyperq/store/testing";

function metrics(valLoss: number, workerId = "w1"): TrialMetrics {
  return { valLoss, valMae: valLoss * 100, valRmse: valLoss * 130, naiveMae: 5, meanMae: 50, maeRatio: (valLoss * 100) / 5, trainLoss: valLoss / 2, bestEpoch: 2, epochs: 2, durationMs: 100, backend: "cpu", workerId };
}

/** Creates trial n, claims it, reports two epochs and completes it with `loss` (what a worker does). */
async function runTrial(store: MemorySweepStore, sweepId: string, n: number, loss: number, params: Record<string, number | string> = {}): Promise<void> {
  await store.createTrial(sweepId, n, { hidden_size: 32, learning_rate: 0.01, ...params }, n);
  const token = `t${n}`;
  await store.claimTrial(sweepId, n, { workerId: "w1", token });
  await store.reportEpoch(sweepId, n, token, { epoch: 1, trainLoss: loss * 2, valLoss: loss * 2, learningRate: 0.01, durationMs: 5 });
  await store.reportEpoch(sweepId, n, token, { epoch: 2, trainLoss: loss, valLoss: loss, learningRate: 0.01, durationMs: 5 });
  await store.completeTrial(sweepId, n, token, metrics(loss));
}

describe("dashboard API", () => {
  let store: MemorySweepStore;
  let app: DashboardApp;

  beforeEach(async () => {
    store = new MemorySweepStore();
    await createFixtureSweep(store, { id: "fx", trials: 60, running: 3, waiting: 2, seed: 7 });
    app = createServer({ store, token: "s3cret" });
  });
  afterEach(() => app.dispose());

  it("lists sweeps with progress, best loss, times and the dataset target", async () => {
    const r = await request(app).get("/api/sweeps").expect(200);
    const s = r.body.sweeps[0];
    expect(s).toMatchObject({ id: "fx", state: "running", method: "random", budget: 60, dataset: { source: "sp500", target: "close" } });
    expect(s.done).toBe(s.counts.complete + s.counts.pruned + s.counts.failed);
    expect(s.done).toBe(55);
    expect(s.best.valLoss).toBeGreaterThan(0);
    expect(s.durationMs).toBeGreaterThan(0);
  });

  it("shows a sweep with its best trial's MAE beside the naive baseline's", async () => {
    const r = await request(app).get("/api/sweeps/fx").expect(200);
    expect(r.body.best.metrics).toMatchObject({ naiveMae: 14.2 });
    expect(r.body.best.metrics.maeRatio).toBeCloseTo(r.body.best.metrics.valMae / 14.2);
    expect(r.body.axes.map((a: { name: string }) => a.name)).toEqual(["variant", "hidden_size", "num_layers", "dropout", "learning_rate", "batch_size", "seq_len"]);
    // The fixture's trials offer no models: none kept yet, bounded by the spec's default.
    expect(r.body.models).toEqual({ keepModels: 5, trials: [], bytes: 0 });
  });

  it("pages the leaderboard in the store's rank order (complete by loss, then pruned)", async () => {
    const lb = await store.leaderboard("fx", { limit: 1000 });
    const r1 = await request(app).get("/api/sweeps/fx/trials?state=complete,pruned&limit=10").expect(200);
    const r2 = await request(app).get("/api/sweeps/fx/trials?state=complete,pruned&limit=10&offset=10").expect(200);
    expect(r1.body.total).toBe(lb.total);
    const got = [...r1.body.rows, ...r2.body.rows];
    expect(got.map((t: { number: number }) => t.number)).toEqual(lb.rows.slice(0, 20).map((t) => t.number));
    expect(got.map((t: { rank: number }) => t.rank)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    // The same order from the in-memory path (every state: running, waiting and failed trials go last, unranked).
    const all = await request(app).get("/api/sweeps/fx/trials?limit=500").expect(200);
    expect(all.body.total).toBe(60);
    expect(all.body.rows.slice(0, lb.total).map((t: { number: number }) => t.number)).toEqual(lb.rows.map((t) => t.number));
    expect(all.body.rows.slice(lb.total).every((t: { rank: number | null }) => t.rank === null)).toBe(true);
  });

  it("ranks pruned-only pages after every complete trial", async () => {
    const s = (await request(app).get("/api/sweeps/fx").expect(200)).body.sweep;
    const r = await request(app).get("/api/sweeps/fx/trials?state=pruned&limit=2").expect(200);
    expect(r.body.rows[0].state).toBe("pruned");
    expect(r.body.rows[0].rank).toBe(s.counts.complete + 1);
  });

  it("sorts by any column or hyperparameter, missing values last, and filters by any state", async () => {
    const byLr = await request(app).get("/api/sweeps/fx/trials?sort=param.learning_rate&dir=desc&limit=500").expect(200);
    const lrs = byLr.body.rows.map((t: { params: { learning_rate: number } }) => t.params.learning_rate);
    expect(lrs).toEqual([...lrs].sort((a: number, b: number) => b - a));
    const byMae = await request(app).get("/api/sweeps/fx/trials?sort=valMae&dir=desc&limit=500").expect(200);
    const maes = byMae.body.rows.map((t: { metrics?: { valMae: number } }) => t.metrics?.valMae);
    const present = maes.filter((v: number | undefined) => v !== undefined);
    expect(maes.slice(0, present.length)).toEqual([...present].sort((a: number, b: number) => b - a));
    expect(maes.slice(present.length).every((v: unknown) => v === undefined)).toBe(true);
    const running = await request(app).get("/api/sweeps/fx/trials?state=running,failed").expect(200);
    expect(running.body.rows.length).toBe(running.body.counts.running + running.body.counts.failed);
    expect(running.body.rows.every((t: { state: string }) => t.state === "running" || t.state === "failed")).toBe(true);
  });

  it("sees a new result (the cache follows the event stream)", async () => {
    await request(app).get("/api/sweeps/fx/trials?sort=valLoss&limit=5").expect(200); // warm the cache
    await store.createSweep(fixtureSpec("other", 5, 2), { id: "other", budget: 5 });
    await runTrial(store, "fx", 60, 1e-6);
    await expect
      .poll(async () => (await request(app).get("/api/sweeps/fx/trials?sort=valLoss&limit=1")).body.rows[0]?.number, { timeout: 10_000, interval: 20 })
      .toBe(60);
    const r = await request(app).get("/api/sweeps/fx/trials?sort=valLoss&limit=1").expect(200);
    expect(r.body.rows[0].rank).toBe(1);
  });

  it("returns one trial with its epochs, and curves for several", async () => {
    const r = await request(app).get("/api/sweeps/fx/trials/0").expect(200);
    expect(r.body.trial.number).toBe(0);
    expect(r.body.epochs.length).toBeGreaterThan(0);
    const c = await request(app).get("/api/sweeps/fx/curves?trials=0,1,1").expect(200);
    expect(c.body.curves.map((x: { number: number }) => x.number)).toEqual([0, 1]);
    expect(c.body.curves[0].epochs[0]).toMatchObject({ epoch: 1 });
  });

  it("serves the charts' history and parameter importance", async () => {
    const h = await request(app).get("/api/sweeps/fx/history").expect(200);
    expect(h.body.number.length).toBe(55);
    expect(h.body.values.length).toBe(h.body.axes.length);
    expect(h.body.values[0].length).toBe(55);
    const imp = await request(app).get("/api/sweeps/fx/importance").expect(200);
    expect(imp.body.params[0].name).toBe("learning_rate");
  });

  it("lists workers with an alive flag", async () => {
    await store.announceWorker({ id: "old", host: "h", pid: 1, backend: "cpu", concurrency: 1, startedAt: 0, seenAt: Date.now() - 120_000, current: [] });
    const r = await request(app).get("/api/workers").expect(200);
    const byId = Object.fromEntries(r.body.workers.map((w: { id: string; alive: boolean }) => [w.id, w.alive]));
    expect(byId).toMatchObject({ old: false, "fixture-w1": true });
  });

  it("leaves finished trials out of a worker's current ones (its last announcement may lag the store)", async () => {
    const trials = await store.listTrials("fx");
    const done = trials.find((t) => t.state === "complete")!;
    const running = trials.find((t) => t.state === "running")!;
    const current = [trialJobId("fx", done.number), trialJobId("fx", running.number)];
    await store.announceWorker({ id: "lagging", host: "h", pid: 2, backend: "cpu", concurrency: 2, startedAt: 0, seenAt: Date.now(), current });
    const r = await request(app).get("/api/workers").expect(200);
    expect(r.body.workers.find((w: { id: string }) => w.id === "lagging").current).toEqual([trialJobId("fx", running.number)]);
  });

  it.each([
    ["/api/sweeps/Not_An_Id", 400, /sweep id/],
    ["/api/sweeps/fx/trials?limit=0", 400, /1 <= limit <= 500/],
    ["/api/sweeps/fx/trials?limit=abc", 400, /whole number/],
    ["/api/sweeps/fx/trials?offset=-1", 400, /offset/],
    ["/api/sweeps/fx/trials?limit=1&limit=2", 400, /given once/],
    ["/api/sweeps/fx/trials?sort=password", 400, /sort/],
    ["/api/sweeps/fx/trials?dir=up", 400, /asc or desc/],
    ["/api/sweeps/fx/trials?state=done", 400, /state/],
    ["/api/sweeps/fx/trials?bogus=1", 400, /bogus/],
    ["/api/sweeps/fx/trials/x1", 400, /trial number/],
    ["/api/sweeps/fx/curves?trials=1,a", 400, /trials/],
    ["/api/sweeps/fx/curves?trials=" + Array.from({ length: 21 }, (_, i) => i).join(","), 400, /1 to 20/],
    ["/api/events?types=trial.nope", 400, /types/],
    ["/api/sweeps/nope", 404, /no sweep "nope"/],
    ["/api/sweeps/fx/trials/999", 404, /no trial 999/],
    ["/api/nothing", 404, /no route/],
  ])("GET %s → %i with a reason, never a stack", async (url, status, reason) => {
    const r = await request(app).get(url).expect(status);
    expect(r.body.error).toMatch(reason);
    expect(JSON.stringify(r.body)).not.toMatch(/at .*\.ts:\d+/);
  });

  it("answers 500 without details when the store throws", async () => {
    const broken = new MemorySweepStore();
    broken.listSweeps = () => Promise.reject(new Error("ECONNREFUSED 10.0.0.1:6379 secret-internal"));
    const errors: unknown[] = [];
    const a = createServer({ store: broken, log: { info: () => {}, warn: () => {}, error: (o) => errors.push(o) } });
    const r = await request(a).get("/api/sweeps").expect(500);
    expect(r.body).toEqual({ error: "internal error" });
    expect(errors).toHaveLength(1);
    a.dispose();
  });

  it("refuses control without the token, and applies it with", async () => {
    await request(app).post("/api/sweeps/fx/pause").expect(401);
    await request(app).post("/api/sweeps/fx/pause").set("Authorization", "Bearer wrong").expect(401);
    expect((await store.getSweep("fx"))?.state).toBe("running");
    await request(app).post("/api/sweeps/fx/pause").set("Authorization", "Bearer s3cret").expect(200, { ok: true, id: "fx", state: "paused" });
    const again = await request(app).post("/api/sweeps/fx/pause").set("X-HyperQ-Token", "s3cret").expect(409);
    expect(again.body.error).toMatch(/it is paused/);
    await request(app).post("/api/sweeps/fx/resume").set("X-HyperQ-Token", "s3cret").expect(200);
    await request(app).post("/api/sweeps/fx/cancel").set("X-HyperQ-Token", "s3cret").expect(200);
    const s = await store.getSweep("fx");
    expect(s?.state).toBe("cancelled");
    expect(s?.counts.waiting).toBe(0);
    await request(app).post("/api/sweeps/nope/cancel").set("X-HyperQ-Token", "s3cret").expect(404);
    await request(app).get("/api/sweeps/fx/pause").expect(404);
  });

  it("disables control entirely when started without a token", async () => {
    const ro = createServer({ store });
    const r = await request(ro).post("/api/sweeps/fx/pause").set("Authorization", "Bearer anything").expect(403);
    expect(r.body.error).toMatch(/HYPERQ_TOKEN/);
    ro.dispose();
  });

  it("needs the token to read when told to, and checks the Host header when told to", async () => {
    const locked = createServer({ store, token: "s3cret", tokenForReads: true });
    await request(locked).get("/api/sweeps").expect(401);
    await request(locked).get("/api/sweeps?token=s3cret").expect(200);
    await request(locked).get("/api/sweeps").set("Authorization", "Bearer s3cret").expect(200);
    await request(locked).get("/api/health").expect(200);
    locked.dispose();
    const local = createServer({ store, allowedHosts: ["127.0.0.1", "localhost"] });
    await request(local).get("/api/sweeps").set("Host", "evil.example:8787").expect(421);
    await request(local).get("/api/sweeps").set("Host", "localhost:8787").expect(200);
    local.dispose();
  });

  it("exports CSV and JSON as downloads", async () => {
    const csv = await request(app).get("/api/sweeps/fx/export.csv").expect(200).expect("content-type", /text\/csv/);
    expect(csv.headers["content-disposition"]).toMatch(/fx-trials\.csv/);
    const lines = csv.text.trimEnd().split("\r\n");
    expect(lines).toHaveLength(61);
    expect(lines[0]).toMatch(/^sweep_id,trial,rank,state,val_loss/);
    const json = await request(app).get("/api/sweeps/fx/export.json").expect(200);
    const body = JSON.parse(json.text);
    expect(body.trials).toHaveLength(60);
    expect(body.sweep.spec.method).toBe("random");
  });

  it("serves the pages and uPlot from node_modules", async () => {
    await request(app).get("/").expect(200).expect("content-type", /html/);
    const page = await request(app).get("/sweeps/fx").expect(200);
    expect(page.text).toMatch(/\/vendor\/uplot\/uPlot\.iife\.min\.js/);
    const js = await request(app).get("/vendor/uplot/uPlot.iife.min.js").expect(200).expect("content-type", /javascript/);
    expect(js.text.length).toBeGreaterThan(10_000);
    await request(app).get("/static/sweep.js").expect(200);
    const up = await request(app).get("/static/..%2fsrc%2fserver.ts");
    expect([403, 404]).toContain(up.status);
    expect(up.text).not.toMatch(/createServer/);
    await request(app).get("/static/nope.js").expect(404);
  });
});

describe("dashboard SSE", () => {
  it("streams a sweep's events to every client from one reader, in batches", async () => {
    const store = new MemorySweepStore();
    await store.createSweep(fixtureSpec("live", 5, 2), { id: "live", budget: 5 });
    await store.createSweep(fixtureSpec("other", 5, 2), { id: "other", budget: 5 });
    let reads = 0;
    const readEvents = store.readEvents.bind(store);
    store.readEvents = (afterId, opts) => {
      reads++;
      return readEvents(afterId, opts);
    };
    const app = createServer({ store, sse: { flushMs: 50 } });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as AddressInfo).port;
    const open = (path: string) =>
      new Promise<{ chunks: string[]; req: http.ClientRequest }>((resolve) => {
        const chunks: string[] = [];
        const req = http.get({ host: "127.0.0.1", port, path }, (res) => {
          expect(res.headers["content-type"]).toMatch(/text\/event-stream/);
          res.setEncoding("utf8");
          res.on("data", (c: string) => chunks.push(c));
          resolve({ chunks, req });
        });
      });
    const clients = await Promise.all([open("/api/events?sweep=live"), open("/api/events?sweep=live"), open("/api/events?types=sweep.state")]);
    await new Promise((r) => setTimeout(r, 100));
    const readsBefore = reads;
    await runTrial(store, "live", 0, 0.5);
    await runTrial(store, "other", 0, 0.5);
    await store.setSweepState("live", "paused");
    await expect.poll(() => clients[0]?.chunks.join("").includes('"sweep.state"'), { timeout: 2000 }).toBe(true);
    const text = clients[0]?.chunks.join("") ?? "";
    expect(text).toMatch(/^retry: 2000\nevent: hello/);
    const batches = [...text.matchAll(/event: events\ndata: (.*)\n\n/g)].map((m) => JSON.parse(m[1] ?? "[]") as { sweepId: string; type: string }[]);
    const events = batches.flat();
    expect(events.every((e) => e.sweepId === "live")).toBe(true);
    expect(events.map((e) => e.type)).toEqual(["trial.created", "trial.started", "trial.epoch", "trial.epoch", "trial.finished", "sweep.state"]);
    expect(batches.length).toBeLessThan(events.length);
    await expect.poll(() => clients[2]?.chunks.join("").includes('"sweep.state"'), { timeout: 2000 }).toBe(true);
    expect(clients[2]?.chunks.join("")).not.toMatch(/trial\./);
    // One reader for three clients: a blocking read per batch of events, not per client.
    expect(reads - readsBefore).toBeLessThan(20);
    expect(app.dashboard.sse.size).toBe(3);
    for (const c of clients) c.req.destroy();
    await expect.poll(() => app.dashboard.sse.size).toBe(0);
    app.dispose();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it("sends reset to a client that fell too far behind", async () => {
    const store = new MemorySweepStore();
    await store.createSweep(fixtureSpec("live", 5, 2), { id: "live", budget: 5 });
    const app = createServer({ store, sse: { flushMs: 300, maxPendingEvents: 3 } });
    const server = app.listen(0, "127.0.0.1");
    await new Promise((r) => server.once("listening", r));
    const port = (server.address() as AddressInfo).port;
    const chunks: string[] = [];
    const req = http.get({ host: "127.0.0.1", port, path: "/api/events" }, (res) => res.on("data", (c: Buffer) => chunks.push(c.toString())));
    await expect.poll(() => chunks.join("").includes("hello")).toBe(true);
    await new Promise((r) => setTimeout(r, 50));
    for (let n = 0; n < 10; n++) await store.createTrial("live", n, {}, n);
    await expect.poll(() => chunks.join("").includes("event: reset"), { timeout: 2000 }).toBe(true);
    req.destroy();
    app.dispose();
    await new Promise<void>((r) => server.close(() => r()));
  });
});

describe("history increments", () => {
  it("returns only trials finished since a time", async () => {
    const store = new MemorySweepStore();
    await store.createSweep(fixtureSpec("h", 5, 2), { id: "h", budget: 5 });
    for (let n = 0; n < 3; n++) {
      await store.createTrial("h", n, { learning_rate: 0.01 }, n);
      await store.claimTrial("h", n, { workerId: "w", token: `t${n}` });
      await store.completeTrial("h", n, `t${n}`, metrics(0.1 + n), 1000 * (n + 1));
    }
    const app = createServer({ store });
    const all = await request(app).get("/api/sweeps/h/history").expect(200);
    expect(all.body.number).toEqual([0, 1, 2]);
    const inc = await request(app).get("/api/sweeps/h/history?since=2000").expect(200);
    expect(inc.body.number).toEqual([1, 2]);
    await request(app).get("/api/sweeps/h/history?since=soon").expect(400);
    app.dispose();
  });
});

describe("dashboard exposure", () => {
  let store: MemorySweepStore;
  let app: DashboardApp;
  const ABSOLUTE = "/home/someone/private/prices-2024.csv";

  beforeEach(async () => {
    store = new MemorySweepStore();
    await createFixtureSweep(store, { id: "fx", trials: 10, running: 1, waiting: 2, seed: 3 });
    const r = parseSweepSpec({ name: "mine", method: "random", budget: 4, epochs: 2, dataset: { path: ABSOLUTE, target: "close" }, space: { hidden_size: [8, 16] } });
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    await store.createSweep(r.value, { id: "own-data", budget: 4 });
    app = createServer({ store, token: "s3cret" });
  });
  afterEach(() => app.dispose());

  it("takes the control token from a header only, never from the query string", async () => {
    const r = await request(app).post("/api/sweeps/fx/pause?token=s3cret").expect(401);
    expect(r.body.error).toMatch(/in a header/);
    await request(app).post("/api/sweeps/fx/cancel").query({ token: "s3cret" }).expect(401);
    expect((await store.getSweep("fx"))?.state).toBe("running");
    await request(app).post("/api/sweeps/fx/pause").set("Authorization", "Bearer s3cret").expect(200);
  });

  it("shows a user dataset by its file name, never the launcher's path", async () => {
    const list = await request(app).get("/api/sweeps").expect(200);
    expect(list.body.sweeps.find((s: { id: string }) => s.id === "own-data").dataset.source).toBe("prices-2024.csv");
    const one = await request(app).get("/api/sweeps/own-data").expect(200);
    expect(one.body.sweep.dataset.source).toBe("prices-2024.csv");
    expect(one.body.spec.dataset.path).toBe("prices-2024.csv");
    const json = await request(app).get("/api/sweeps/own-data/export.json").expect(200);
    for (const text of [list.text, one.text, json.text]) expect(text).not.toContain("/home/someone");
  });

  it("answers a path-traversal attempt with a status and a message that agree", async () => {
    for (const path of ["/static/..%2fsrc%2fserver.ts", "/static/%2e%2e/src/server.ts", "/vendor/uplot/..%2f..%2fpackage.json"]) {
      const r = await request(app).get(path);
      expect(r.status, path).toBe(403);
      expect(r.body, path).toEqual({ error: "forbidden" });
    }
    expect((await request(app).get("/static/nope.js").expect(404)).body).toEqual({ error: "not found" });
  });
});

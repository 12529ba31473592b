import { randomUUID } from "node:crypto";
import http from "node:http";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import request from "supertest";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { createFixtureSweep } from "@hyperq/store/testing";
import { createServer, type DashboardApp } from "./server.ts";
import { startDashboard } from "./start.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";

describe("dashboard on Redis", () => {
  let redis: ReturnType<typeof connectRedis>;
  let store: RedisSweepStore;
  let prefix: string;
  let app: DashboardApp;

  beforeEach(async () => {
    prefix = `hqtest:dash:${randomUUID().slice(0, 8)}`;
    redis = connectRedis(url);
    store = new RedisSweepStore(redis, { keyPrefix: prefix });
    await createFixtureSweep(store, { id: "fx", trials: 300, seed: 5 });
    app = createServer({ store, token: "t" });
  });

  afterEach(async () => {
    app.dispose();
    const keys = await redis.keys(`${prefix}:*`);
    if (keys.length) await redis.del(...keys);
    await store.close();
    redis.disconnect();
  });

  it("pages the store's leaderboard and the in-memory view alike", async () => {
    const fast = await request(app).get("/api/sweeps/fx/trials?limit=100").expect(200); // ranked page: Redis
    const cached = await request(app).get("/api/sweeps/fx/trials?limit=500").expect(200); // spans unranked trials: the cache
    expect(cached.body.rows.slice(0, 100).map((t: { number: number }) => t.number)).toEqual(fast.body.rows.map((t: { number: number }) => t.number));
    expect(app.dashboard.cache.size).toBe(1);
    expect(fast.body.total).toBe(300);
    const lb = await store.leaderboard("fx", { offset: 50, limit: 10 });
    const page = await request(app).get("/api/sweeps/fx/trials?state=complete,pruned&offset=50&limit=10").expect(200);
    expect(page.body.rows.map((t: { number: number }) => t.number)).toEqual(lb.rows.map((t) => t.number));
    expect(page.body.rows[0].rank).toBe(51);
  });

  it("follows the Redis event stream: a new best shows in the cached view without a reload", async () => {
    await request(app).get("/api/sweeps/fx/trials?sort=valLoss&limit=1").expect(200);
    await store.createTrial("fx", 300, { learning_rate: 0.002 }, 1);
    await store.claimTrial("fx", 300, { workerId: "w", token: "tok" });
    await store.completeTrial("fx", 300, "tok", { valLoss: 1e-6, valMae: 1, valRmse: 1, naiveMae: 14.2, meanMae: 200, maeRatio: 0.07, trainLoss: 1e-6, bestEpoch: 1, epochs: 1, durationMs: 1, backend: "cpu", workerId: "w" });
    await expect.poll(async () => (await request(app).get("/api/sweeps/fx/trials?sort=valLoss&limit=1")).body.rows[0]?.number, { timeout: 10_000, interval: 20 }).toBe(300);
  });

  it("cancels through the store: waiting trials fail", async () => {
    await request(app).post("/api/sweeps/fx/cancel").set("Authorization", "Bearer t").expect(200);
    const s = await store.getSweep("fx");
    expect(s?.state).toBe("cancelled");
    expect(s?.counts.waiting).toBe(0);
    await request(app).post("/api/sweeps/fx/resume").set("Authorization", "Bearer t").expect(409);
  });

  it("streams events over SSE from a listening dashboard, bound to 127.0.0.1", async () => {
    const d = await startDashboard({ store, port: 0 });
    expect(d.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const chunks: string[] = [];
    const req = http.get(`${d.url}/api/events?sweep=fx`, (res) => res.on("data", (c: Buffer) => chunks.push(c.toString())));
    await expect.poll(() => chunks.join("").includes("hello")).toBe(true);
    await new Promise((r) => setTimeout(r, 100));
    await store.setSweepState("fx", "paused");
    await expect.poll(() => chunks.join(""), { timeout: 2000 }).toMatch(/"type":"sweep.state".*"state":"paused"/);
    req.destroy();
    await d.close();
  });
});

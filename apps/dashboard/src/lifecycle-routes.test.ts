import { afterEach, beforeEach, describe, expect, it } from "vitest";
import request from "supertest";
import { MemorySweepStore } from "@hyperq/store";
import { createServer, type DashboardApp } from "./server.ts";
import { createFixtureSweep } from "@hyperq/store/testing";

const auth = { Authorization: "Bearer s3cret" };

describe("dashboard: extend, stop a worker, compare", () => {
  let store: MemorySweepStore;
  let app: DashboardApp;

  beforeEach(async () => {
    store = new MemorySweepStore();
    await createFixtureSweep(store, { id: "a", trials: 30, running: 0, waiting: 0, seed: 1 });
    await createFixtureSweep(store, { id: "b", trials: 20, running: 2, waiting: 1, seed: 2 });
    app = createServer({ store, token: "s3cret" });
  });
  afterEach(() => app.dispose());

  it("extends a sweep behind the token; refusals say why", async () => {
    await request(app).post("/api/sweeps/b/extend").send({ budget: 40 }).expect(401);
    const ok = await request(app).post("/api/sweeps/b/extend").set(auth).send({ budget: 40 }).expect(200);
    expect(ok.body).toEqual({ ok: true, id: "b", budget: 40, state: "running" });
    expect((await store.getSweep("b"))?.budget).toBe(40);
    const low = await request(app).post("/api/sweeps/b/extend").set(auth).send({ budget: 5 }).expect(409);
    expect(low.body.error).toBe("cannot extend: budget must be at least the 20 trials created, but got 5");
    const bad = await request(app).post("/api/sweeps/b/extend").set(auth).send({ budget: "many" }).expect(400);
    expect(bad.body.error).toMatch(/^bad body: budget: /);
    await request(app).post("/api/sweeps/zz/extend").set(auth).send({ budget: 40 }).expect(404);
    await store.setSweepState("b", "cancelled");
    expect((await request(app).post("/api/sweeps/b/extend").set(auth).send({ budget: 50 }).expect(409)).body.error).toBe('cannot extend: sweep "b" was cancelled');
  });

  it("asks a registered worker to stop, behind the token", async () => {
    await store.announceWorker({ id: "host-1-ab", host: "host", pid: 1, backend: "cpu", concurrency: 1, startedAt: 1, seenAt: 2, current: [] });
    await request(app).post("/api/workers/host-1-ab/stop").expect(401);
    await request(app).post("/api/workers/host-1-ab/stop").set(auth).expect(200, { ok: true, id: "host-1-ab" });
    expect(await store.workerStopRequested("host-1-ab")).toBe(true);
    expect((await request(app).post("/api/workers/ghost/stop").set(auth).expect(404)).body.error).toBe('no worker "ghost" is registered');
  });

  it("compares sweeps: a table row and best-so-far curves (by trial and by wall time) each", async () => {
    const r = await request(app).get("/api/compare?sweeps=a,b").expect(200);
    expect(r.body.rows.map((x: { id: string }) => x.id)).toEqual(["a", "b"]);
    for (const [i, id] of ["a", "b"].entries()) {
      const lb = (await store.leaderboard(id, { limit: 1, states: ["complete"] })).rows[0]!;
      expect(r.body.rows[i]).toMatchObject({ id, method: "random", bestTrial: lb.number, bestValLoss: lb.metrics!.valLoss, baselineMae: null });
      expect(r.body.rows[i].ratioToNaive).toBeCloseTo(lb.metrics!.valMae / lb.metrics!.naiveMae);
      const curve = r.body.curves[i];
      const ys = curve.byTrial.map((p: number[]) => p[1]);
      expect(ys).toEqual([...ys].sort((x: number, y: number) => y - x));
      expect(ys.at(-1)).toBe(lb.metrics!.valLoss);
      expect(curve.byTime.at(-1)[1]).toBe(lb.metrics!.valLoss);
    }
    expect((await request(app).get("/api/compare?sweeps=a").expect(400)).body.error).toMatch(/two or more/);
    expect((await request(app).get("/api/compare?sweeps=a,nope").expect(404)).body.error).toMatch(/no sweep "nope"/);
    await request(app).get("/compare?sweeps=a,b").expect(200).expect("content-type", /html/);
  });
});

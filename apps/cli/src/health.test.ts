import { afterEach, describe, expect, it } from "vitest";
import { coordinatorLoopCheck, startHealthServer, type HealthServer } from "./health.ts";

const get = async (s: HealthServer, path: string) => {
  const r = await fetch(`http://127.0.0.1:${s.port}${path}`);
  return { status: r.status, body: (await r.json()) as { ok: boolean; checks?: Record<string, string>; reason?: string; eventLoopLagMs?: number } };
};

describe("health endpoints", () => {
  let server: HealthServer | undefined;
  afterEach(() => server?.close());

  it("/readyz is 200 only when every check passes, and names the failing ones", async () => {
    let redisUp = true;
    server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      checkTimeoutMs: 200,
      ready: {
        redis: async () => (redisUp ? true : "connection refused"),
        registered: async () => true,
        hung: async () => true,
      },
    });
    expect(await get(server, "/readyz")).toEqual({ status: 200, body: { ok: true, checks: { redis: "ok", registered: "ok", hung: "ok" } } });
    redisUp = false;
    expect(await get(server, "/readyz")).toEqual({ status: 503, body: { ok: false, checks: { redis: "connection refused", registered: "ok", hung: "ok" } } });
  });

  it("/readyz fails a check that throws or never answers", async () => {
    server = await startHealthServer({
      port: 0,
      host: "127.0.0.1",
      checkTimeoutMs: 100,
      ready: { throws: () => Promise.reject(new Error("boom")), hangs: () => new Promise<true>(() => undefined) },
    });
    expect(await get(server, "/readyz")).toEqual({ status: 503, body: { ok: false, checks: { throws: "boom", hangs: "no answer within 100 ms" } } });
  });

  it("/healthz is 200 while the event loop turns and 503 after it stalled", async () => {
    server = await startHealthServer({ port: 0, host: "127.0.0.1", ready: {}, stallMs: 1000, stallWindowMs: 60_000 });
    expect((await get(server, "/healthz")).status).toBe(200);
    const until = Date.now() + 1500;
    while (Date.now() < until); // block the event loop, as a synchronous computation would
    const r = await get(server, "/healthz");
    expect(r.status).toBe(503);
    expect(r.body.reason).toMatch(/^event loop stalled for \d+ ms \(limit 1000 ms\)$/);
    expect(r.body.eventLoopLagMs).toBeGreaterThanOrEqual(1000);
  });

  it("answers 404 elsewhere, and refuses a port in use with one line", async () => {
    server = await startHealthServer({ port: 0, host: "127.0.0.1", ready: {} });
    expect((await get(server, "/metrics")).status).toBe(404);
    await expect(startHealthServer({ port: server.port, host: "127.0.0.1", ready: {} })).rejects.toThrow(`--health-port ${server.port} is in use; pick another`);
  });

  it("the coordinator is ready once its loop completed a recent pass", async () => {
    expect(await coordinatorLoopCheck(() => undefined)()).toBe("the coordinator loop has not completed a pass yet");
    expect(await coordinatorLoopCheck(() => Date.now())()).toBe(true);
    expect(await coordinatorLoopCheck(() => Date.now() - 60_000, 30_000)()).toMatch(/^the coordinator loop's last pass was \d+ ms ago$/);
  });
});

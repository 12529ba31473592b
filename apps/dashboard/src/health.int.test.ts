import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer as createNetServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import request from "supertest";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { createServer, type DashboardApp } from "./server.ts";

function freePort(): Promise<number> {
  return new Promise((done, fail) => {
    const srv = createNetServer();
    srv.once("error", fail);
    srv.listen(0, "127.0.0.1", () => {
      const a = srv.address();
      srv.close(() => done(typeof a === "object" && a ? a.port : 0));
    });
  });
}

/** A redis-server of this test's own, to stop under the dashboard's feet. */
async function startRedis(port: number, dir: string): Promise<ChildProcess> {
  const proc = spawn("redis-server", ["--port", String(port), "--bind", "127.0.0.1", "--dir", dir, "--save", "", "--appendonly", "no"], { stdio: ["ignore", "pipe", "ignore"] });
  await new Promise<void>((done, fail) => {
    let out = "";
    proc.stdout?.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("Ready to accept connections")) done();
    });
    proc.once("exit", (code) => fail(new Error(`redis-server exited with ${code}`)));
  });
  return proc;
}

describe("/api/health against a Redis that goes away", () => {
  const dir = mkdtempSync(join(tmpdir(), "hyperq-health-"));
  let server: ChildProcess;
  let redis: ReturnType<typeof connectRedis>;
  let store: RedisSweepStore;
  let app: DashboardApp;

  beforeAll(async () => {
    const port = await freePort();
    server = await startRedis(port, dir);
    redis = connectRedis(`redis://127.0.0.1:${port}`, { retryStrategy: () => 200 });
    redis.on("error", () => undefined);
    await new Promise<void>((done) => (redis.status === "ready" ? done() : redis.once("ready", () => done())));
    store = new RedisSweepStore(redis, { keyPrefix: "hqhealth" });
    app = createServer({ store, healthTimeoutMs: 1000 });
  });
  afterAll(async () => {
    app.dispose();
    await store.close();
    redis.disconnect();
    server.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
  });

  it("answers 200 while Redis answers, 503 with the reason while it is frozen or stopped", async () => {
    const up = await request(app).get("/api/health").expect(200);
    expect(up.body).toMatchObject({ ok: true, store: "ok" });

    // Frozen: connected, but no answer.
    server.kill("SIGSTOP");
    try {
      const frozen = await request(app).get("/api/health").expect(503);
      expect(frozen.body).toMatchObject({ ok: false, store: "unreachable: Redis did not answer PING within 1000 ms" });
    } finally {
      server.kill("SIGCONT");
    }
    await request(app).get("/api/health").expect(200);

    const closed = new Promise<void>((done) => redis.once("close", () => done()));
    const exited = new Promise<void>((done) => server.once("exit", () => done()));
    server.kill("SIGKILL");
    await Promise.all([exited, closed]);

    const down = await request(app).get("/api/health").expect(503);
    expect(down.body.ok).toBe(false);
    expect(down.body.store).toMatch(/^unreachable: no connection to Redis \((reconnecting|connecting|close|end)\)$/);
  });
});

/**
 * A user mistake or an unreachable dependency ends with exactly one `hyperq: …` line on stderr and
 * exit 2: no stack trace, no raw library message, nothing else.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureSweep } from "@hyperq/store/testing";
import { RedisSweepStore, connectRedis, redisKeys } from "@hyperq/store";
import { deletePrefix, runCli, type CliResult } from "./cli-run.ts";
import { SHARED_REDIS_URL, freePort, sleep, waitFor } from "./fault-kit.ts";

function expectOneLine(r: CliResult, pattern: RegExp): void {
  expect(r.stderr).toMatch(/^hyperq: [^\n]+\n$/);
  expect(r.stderr).toMatch(pattern);
  expect(r.code).toBe(2);
}

describe("one clear line, exit 2", () => {
  const prefix = `hqerr-${randomUUID().slice(0, 8)}`;
  const env = { HYPERQ_PREFIX: prefix };
  const redis = connectRedis(SHARED_REDIS_URL);
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  const dir = mkdtempSync(join(tmpdir(), "hyperq-errors-"));

  beforeAll(async () => {
    await createFixtureSweep(store, { id: "taken", trials: 5, epochs: 1, running: 0, waiting: 0, workers: 0 });
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await store.close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  describe("dashboard", () => {
    let blocker: Server;
    let taken: number;
    beforeAll(async () => {
      blocker = createServer();
      await new Promise<void>((done) => blocker.listen(0, "127.0.0.1", done));
      const a = blocker.address();
      taken = typeof a === "object" && a ? a.port : 0;
    });
    afterAll(() => new Promise<void>((done) => blocker.close(() => done())));

    it("says which port is in use", async () => {
      expectOneLine(await runCli(["dashboard", "--port", String(taken)], { env }), new RegExp(`port ${taken} on 127\\.0\\.0\\.1 is in use`));
    });

    it("refuses a port out of range", async () => {
      expectOneLine(await runCli(["dashboard", "--port", "70000"], { env }), /--port must be an integer in 0\.\.65535, but got "70000"/);
    });

    it("refuses an address that does not exist", async () => {
      const r = await runCli(["dashboard", "--host", "256.1.1.1", "--port", "0"], { env: { ...env, HYPERQ_TOKEN: "a-long-enough-token" } });
      expectOneLine(r, /cannot listen on 256\.1\.1\.1:0: "256\.1\.1\.1" is not a valid address/);
    });
  });

  describe("dashboard beyond localhost", () => {
    it("refuses to start without HYPERQ_TOKEN unless --insecure", async () => {
      const r = await runCli(["dashboard", "--host", "0.0.0.0", "--port", "0"], { env: { ...env, HYPERQ_TOKEN: undefined } });
      expectOneLine(r, /^hyperq: refusing to serve the dashboard on 0\.0\.0\.0 without HYPERQ_TOKEN.*--insecure/);
      expect(r.stdout).toBe("");
    });
  });

  describe("sweep export -o", () => {
    it("names a file whose folder does not exist", async () => {
      expectOneLine(await runCli(["sweep", "export", "taken", "-o", "/proc/nope/x.csv"], { env }), /^hyperq: cannot write \/proc\/nope\/x\.csv \(-o\): its folder does not exist\n$/);
    });

    it("names a folder instead of a file", async () => {
      expectOneLine(await runCli(["sweep", "export", "taken", "-o", dir], { env }), /: it is a folder; name a file\n$/);
    });
  });

  it("refuses a taken --id before the dataset is uploaded", async () => {
    const rows = Array.from({ length: 300 }, (_, i) => `${new Date(Date.UTC(2020, 0, 1 + i)).toISOString().slice(0, 10)},${(10 + Math.sin(i / 7) + i / 100).toFixed(4)}`);
    writeFileSync(join(dir, "series.csv"), ["date,value", ...rows, ""].join("\n"));
    const spec = join(dir, "spec.yaml");
    writeFileSync(spec, "name: mine\nmethod: random\nbudget: 2\nepochs: 1\ndataset: { path: ./series.csv, target: value }\nspace:\n  hidden_size: [8]\n");
    const r = await runCli(["sweep", "launch", spec, "--id", "taken", "--detach"], { env });
    expectOneLine(r, /^hyperq: sweep "taken" already exists/);
    expect(await redis.keys(redisKeys(prefix).blob("*"))).toEqual([]);
    expect((await store.getSweep("taken"))?.name).not.toBe("mine");
  });

  describe("Redis", () => {
    let port: number;
    let server: ChildProcess;
    beforeAll(async () => {
      port = await freePort();
      const args = ["--port", String(port), "--bind", "127.0.0.1", "--requirepass", "right-password", "--save", "", "--appendonly", "no"];
      server = spawn("redis-server", args, { stdio: "ignore" });
      const probe = connectRedis(`redis://:right-password@127.0.0.1:${port}`, { lazyConnect: true, retryStrategy: () => 100 });
      probe.on("error", () => undefined);
      try {
        await waitFor("the private redis-server", async () => (await Promise.race([probe.ping(), sleep(500).then(() => "")])) === "PONG", 10_000, 100);
      } finally {
        probe.disconnect();
      }
    });
    afterAll(() => {
      server.kill("SIGKILL");
    });

    it("says authentication failed for a wrong password", async () => {
      const r = await runCli(["sweep", "list"], { env: { ...env, REDIS_URL: `redis://:wrong-password@127.0.0.1:${port}` } });
      expectOneLine(r, /^hyperq: cannot reach Redis at redis:\/\/\*\*\*@127\.0\.0\.1:\d+: authentication failed/);
      expect(r.stderr).not.toContain("wrong-password");
    });

    it("says authentication failed for a missing password", async () => {
      expectOneLine(await runCli(["sweep", "list"], { env: { ...env, REDIS_URL: `redis://127.0.0.1:${port}` } }), /: authentication failed/);
    });

    it("says connection refused when nothing listens", async () => {
      const nobody = await freePort();
      expectOneLine(await runCli(["sweep", "list"], { env: { ...env, REDIS_URL: `redis://127.0.0.1:${nobody}` } }), new RegExp(`^hyperq: cannot reach Redis at redis://127\\.0\\.0\\.1:${nobody}: connection refused`));
    });
  });
});

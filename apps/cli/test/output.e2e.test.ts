/**
 * Every command writes all of its output, however slowly the pipe is read, or fails non-zero:
 * large outputs on stdout (export, leaderboard) and on stderr (a spec with thousands of problems).
 */
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createFixtureSweep } from "@hyperq/store/testing";
import { RedisSweepStore, connectRedis, type SweepRecord } from "@hyperq/store";
import { deletePrefix, runCli } from "./cli-run.ts";
import { ROOT, SHARED_REDIS_URL } from "./fault-kit.ts";

const TRIALS = 2000;

describe("output through a slow pipe", () => {
  const prefix = `hqout-${randomUUID().slice(0, 8)}`;
  const env = { HYPERQ_PREFIX: prefix };
  const redis = connectRedis(SHARED_REDIS_URL);
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  const dir = mkdtempSync(join(tmpdir(), "hyperq-output-"));
  let sweep: SweepRecord;

  beforeAll(async () => {
    sweep = await createFixtureSweep(store, { id: "big", trials: TRIALS, epochs: 2, curves: "sampled", workers: 1 });
  });
  afterAll(async () => {
    await deletePrefix(redis, prefix);
    await store.close();
    redis.disconnect();
    rmSync(dir, { recursive: true, force: true });
  });

  it(`exports a ${TRIALS}-trial sweep as JSON in full`, async () => {
    const r = await runCli(["sweep", "export", sweep.id, "--format", "json"], { env, slowReader: true });
    expect(r.stderr).toBe("");
    expect(r.code).toBe(0);
    expect(r.stdout.length).toBeGreaterThan(256 * 1024);
    const body = JSON.parse(r.stdout) as { trials: { number: number }[] };
    expect(body.trials.map((t) => t.number)).toEqual(Array.from({ length: TRIALS }, (_, i) => i));
  });

  it("prints a leaderboard of every ranked trial in full", async () => {
    const r = await runCli(["leaderboard", sweep.id, "--limit", String(TRIALS)], { env, slowReader: true });
    expect(r.code).toBe(0);
    const ranked = sweep.counts.complete + sweep.counts.pruned;
    const ranks = r.stdout
      .split("\n")
      .map((line) => /^\s*(\d+)\s+\d+\s+(complete|pruned)\s/.exec(line)?.[1])
      .filter((x) => x !== undefined)
      .map(Number);
    expect(ranks).toEqual(Array.from({ length: ranked }, (_, i) => i + 1));
    expect(r.stdout.trimEnd().split("\n").at(-1)).toMatch(/^best model \(trial \d+\): val MAE .* \(ratio [\d.]+\)/);
  });

  it("prints every problem of a spec with thousands of them on stderr", async () => {
    const n = 3000;
    const params = Array.from({ length: n }, (_, i) => `  hidden_size_${i}: { type: int, low: 9, high: 1 }`);
    const spec = join(dir, "many-problems.yaml");
    writeFileSync(spec, ["name: many", "method: random", "budget: 3", "epochs: 1", "dataset: { name: sp500 }", "space:", ...params, ""].join("\n"));
    const r = await runCli(["sweep", "validate", spec], { env, slowReader: true });
    expect(r.code).toBe(2);
    expect(r.stderr.length).toBeGreaterThan(256 * 1024);
    const named = new Set([...r.stderr.matchAll(/space\.hidden_size_(\d+)\b/g)].map((m) => Number(m[1])));
    expect(named.size).toBe(n);
    expect(named.has(n - 1)).toBe(true);
    expect(r.stderr.endsWith("\n")).toBe(true);
  });

  it("fails non-zero with one line when the reader closes the pipe early", async () => {
    // `hyperq leaderboard … | head -1`: the rest cannot be written; that is a failure, not a crash.
    const script = `"$0" --import tsx apps/cli/src/main.ts sweep export big --format json | head -c 100 > /dev/null; exit "\${PIPESTATUS[0]}"`;
    const p = spawn("bash", ["-c", script, process.execPath], { cwd: ROOT, env: { ...process.env, REDIS_URL: SHARED_REDIS_URL, ...env }, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    p.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const code = await new Promise<number | null>((done) => p.once("close", done));
    const r = { code, stderr };
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^hyperq: cannot write the output \(EPIPE\): it is incomplete\n$/);
  });
});

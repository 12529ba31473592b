/**
 * The dashboard's lifecycle controls in headless Chromium on a real Redis: pick two sweeps and
 * compare them (table and best-so-far curves), extend a complete sweep's budget and stop a worker
 * with the token.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { parseSweepSpec, type TrialMetrics } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { startDashboard, type RunningDashboard } from "../src/index.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TOKEN = "e2e-lifecycle-token";

function metrics(valLoss: number): TrialMetrics {
  return { valLoss, valMae: valLoss * 100, valRmse: valLoss * 130, naiveMae: 5, meanMae: 50, maeRatio: (valLoss * 100) / 5, trainLoss: valLoss, bestEpoch: 1, epochs: 1, durationMs: 10, backend: "cpu", workerId: "w" };
}

describe("dashboard lifecycle controls in Chromium", () => {
  let redis: ReturnType<typeof connectRedis>;
  let store: RedisSweepStore;
  let prefix: string;
  let dashboard: RunningDashboard;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;

  /** A complete sweep whose trials finish with `losses`, as workers would record them. */
  async function completeSweep(id: string, method: "random" | "gp", losses: number[]) {
    const spec = parseSweepSpec({ name: id, method, budget: losses.length, epochs: 1, space: { dropout: { type: "float", low: 0, high: 0.5 } } });
    if (!spec.ok) throw new Error(JSON.stringify(spec.issues));
    await store.createSweep(spec.value, { id, budget: losses.length });
    for (const [n, loss] of losses.entries()) {
      await store.createTrial(id, n, { dropout: n / 100 }, n);
      await store.claimTrial(id, n, { workerId: "w", token: `t${n}` });
      await store.completeTrial(id, n, `t${n}`, metrics(loss));
    }
    await store.setSweepState(id, "complete");
  }

  beforeAll(async () => {
    prefix = `hqtest:dash-life:${randomUUID().slice(0, 8)}`;
    redis = connectRedis(REDIS_URL);
    store = new RedisSweepStore(redis, { keyPrefix: prefix });
    await completeSweep("alpha", "random", [0.5, 0.3, 0.4, 0.2]);
    await completeSweep("beta", "gp", [0.6, 0.1, 0.15]);
    await store.announceWorker({ id: "box-42-ab", host: "box", pid: 42, backend: "cpu", concurrency: 1, startedAt: Date.now(), seenAt: Date.now(), current: [] });
    dashboard = await startDashboard({ store, port: 0, token: TOKEN });
    profile = mkdtempSync(join(tmpdir(), "hq-e2e-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
    page.on("dialog", (d) => void d.accept());
  });

  afterAll(async () => {
    await browser?.close();
    await dashboard?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    if (redis) {
      const keys = await redis.keys(`${prefix}:*`);
      if (keys.length) await redis.del(...keys);
      await store.close();
      redis.disconnect();
    }
  });

  it("compares two ticked sweeps: a row each with its best trial, and both curves on one chart", async () => {
    await page.goto(dashboard.url + "/");
    await page.locator("input[data-pick='alpha']").check();
    await expect.poll(() => page.locator("#compare").getAttribute("aria-disabled")).toBe("true");
    await page.locator("input[data-pick='beta']").check();
    await page.locator("#compare").click();
    await page.waitForSelector("#compare tbody tr[data-sweep='beta']");
    const rows = await page.locator("#compare tbody tr").allTextContents();
    expect(rows[0]).toMatch(/alpha.*random.*complete.*4 \/ 4.*#3.*0\.2000/);
    expect(rows[1]).toMatch(/beta.*gp.*complete.*3 \/ 3.*#1.*0\.1000/);
    // Union of the two sweeps' trial numbers (0–3) on the x axis, both series drawn.
    await expect.poll(() => page.locator("#by-trial").getAttribute("data-points")).toBe("4");
    expect(await page.locator("#by-trial .u-series").count()).toBe(3);
    expect(Number(await page.locator("#by-time").getAttribute("data-points"))).toBeGreaterThan(0);
  });

  it("extends a complete sweep and stops a worker, with the token", async () => {
    await page.goto(`${dashboard.url}/sweeps/alpha`);
    await expect.poll(() => page.locator("#budget").inputValue()).toBe("4");
    await page.locator("#budget").fill("7");
    await page.locator("#extend").click();
    await expect.poll(() => page.locator("#control-msg").textContent()).toMatch(/token/);
    expect((await store.getSweep("alpha"))?.budget).toBe(4);
    await page.locator("#token").fill(TOKEN);
    await page.locator("#extend").click();
    await expect.poll(() => page.locator("#control-msg").textContent()).toBe("budget 7, sweep is running");
    expect(await store.getSweep("alpha")).toMatchObject({ budget: 7, state: "running" });

    await page.locator("button[data-stop='box-42-ab']").click();
    await expect.poll(() => page.locator("#control-msg").textContent()).toBe("worker box-42-ab asked to stop");
    expect(await store.workerStopRequested("box-42-ab")).toBe(true);
  });
});

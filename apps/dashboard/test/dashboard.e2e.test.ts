/**
 * The sweep page in headless Chromium during a live tiny sweep on a real Redis.
 *
 * Until the coordinator and worker apps drive it, the sweep is driven here the way workers drive it:
 * through the store's verbs (createTrial, claimTrial, reportEpoch, completeTrial) on a timer, so the
 * dashboard sees exactly the records and events real workers produce.
 */
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { parseSweepSpec, type TrialMetrics } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis } from "@hyperq/store";
import { startDashboard, type RunningDashboard } from "../src/index.ts";

const REDIS_URL = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const TOKEN = "e2e-token";
const SWEEP = "e2e-tiny";
/** Final losses of trials 0..7, in creation order: the rank order changes as they arrive. */
const LOSSES = [0.05, 0.03, 0.08, 0.012, 0.04, 0.02, 0.09, 0.015];

function metrics(valLoss: number, workerId: string): TrialMetrics {
  const valMae = 14.2 * (0.9 + valLoss * 3);
  return {
    valLoss,
    valMae,
    valRmse: valMae * 1.3,
    naiveMae: 14.2,
    meanMae: 200,
    maeRatio: valMae / 14.2,
    baselines: { naive: { mae: 14.2, rmse: 18 }, mean: { mae: 200, rmse: 230 }, linear: { mae: 12.8, rmse: 16 }, best: "linear" },
    significance: { baseline: "linear", statistic: -1.2, pValue: 0.2301, n: 480, verdict: "ties" },
    trainLoss: valLoss * 0.8,
    bestEpoch: 3,
    epochs: 3,
    durationMs: 450,
    backend: "cpu",
    workerId,
  };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("dashboard in Chromium during a live sweep", () => {
  let redis: ReturnType<typeof connectRedis>;
  let store: RedisSweepStore;
  let prefix: string;
  let dashboard: RunningDashboard;
  let browser: BrowserContext;
  let page: Page;
  let profile: string;

  beforeAll(async () => {
    prefix = `hqtest:dash-e2e:${randomUUID().slice(0, 8)}`;
    redis = connectRedis(REDIS_URL);
    store = new RedisSweepStore(redis, { keyPrefix: prefix });
    const spec = parseSweepSpec({
      name: "e2e tiny sweep",
      method: "random",
      budget: LOSSES.length,
      epochs: 3,
      parallelism: 2,
      space: {
        hidden_size: [16, 32, 64],
        learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true },
        dropout: { type: "float", low: 0, high: 0.5 },
      },
    });
    if (!spec.ok) throw new Error(JSON.stringify(spec.issues));
    await store.createSweep(spec.value, { id: SWEEP, budget: LOSSES.length });
    dashboard = await startDashboard({ store, port: 0, token: TOKEN });
    profile = mkdtempSync(join(tmpdir(), "hq-e2e-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1100 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    page = await browser.newPage();
    page.on("pageerror", (e) => console.error("page error:", e));
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

  it("shows results live in rank order, draws the plots, and pauses and resumes the sweep", async () => {
    await page.goto(`${dashboard.url}/sweeps/${SWEEP}`);
    await page.waitForSelector("body[data-ready='1']");
    await expect.poll(() => page.locator("#live").textContent()).toBe("live");

    // Two "workers" run the sweep through the store's verbs; each result must show within a second.
    const workers = ["e2e-w1", "e2e-w2"];
    for (const w of workers) await store.announceWorker({ id: w, host: "e2e", pid: process.pid, backend: "cpu", concurrency: 1, startedAt: Date.now(), seenAt: Date.now(), current: [] });
    const latencies: number[] = [];
    let next = 0;
    let completed = 0;
    const runWorker = async (workerId: string) => {
      for (;;) {
        const n = next++;
        const loss = LOSSES[n];
        if (loss === undefined) return;
        await store.createTrial(SWEEP, n, { hidden_size: [16, 32, 64][n % 3]!, learning_rate: 10 ** (-4 + (n % 4)), dropout: 0.05 * n }, n);
        const token = `${SWEEP}#${n}/1/${workerId}`;
        await store.claimTrial(SWEEP, n, { workerId, token });
        await store.announceWorker({ id: workerId, host: "e2e", pid: process.pid, backend: "cpu", concurrency: 1, startedAt: Date.now(), seenAt: Date.now(), current: [`${SWEEP}#${n}`] });
        for (let e = 1; e <= 3; e++) {
          await sleep(120);
          const v = loss * (1 + (3 - e) * 0.6);
          await store.reportEpoch(SWEEP, n, token, { epoch: e, trainLoss: v * 0.8, valLoss: v, learningRate: 1e-3, durationMs: 120 });
        }
        await store.completeTrial(SWEEP, n, token, metrics(loss, workerId));
        const t0 = Date.now();
        completed++;
        const want = completed;
        // The row shows live (no reload); the latency is printed, not asserted (goal: within a second).
        await page.waitForFunction((k) => document.querySelectorAll("#leaderboard tbody tr[data-state='complete']").length >= k, want, { timeout: 10_000 });
        latencies.push(Date.now() - t0);
      }
    };
    await Promise.all(workers.map(runWorker));
    console.log(`result → leaderboard row latency: max ${Math.max(...latencies)} ms, mean ${(latencies.reduce((a, b) => a + b, 0) / latencies.length).toFixed(0)} ms`);

    // Rank order: ranks 1..8 with losses ascending, the same order as the store's leaderboard.
    await expect.poll(() => page.locator("#leaderboard tbody tr[data-state='complete']").count()).toBe(LOSSES.length);
    const rows = await page.$$eval("#leaderboard tbody tr[data-trial]", (trs) => trs.map((tr) => ({ n: Number((tr as HTMLElement).dataset.trial), rank: Number((tr as HTMLElement).dataset.rank), loss: Number((tr as HTMLElement).dataset.loss) })));
    const expected = [...LOSSES.keys()].sort((a, b) => LOSSES[a]! - LOSSES[b]!);
    expect(rows.map((r) => r.n)).toEqual(expected);
    expect(rows.map((r) => r.rank)).toEqual(expected.map((_, i) => i + 1));
    expect((await store.leaderboard(SWEEP)).rows.map((t) => t.number)).toEqual(expected);
    await expect.poll(() => page.locator("#progress").textContent()).toBe(`${LOSSES.length} / ${LOSSES.length}`);
    expect(await page.locator("#baseline").textContent()).toMatch(/naive \(tomorrow = today\) 14\.20/);
    expect(await page.locator("#best-baseline").textContent()).toMatch(/best baseline linear autoregression MAE 12\.80 · ratio 1\.0\d\d/);
    expect(await page.locator("#verdict").textContent()).toBe(
      "on 480 validation windows the best model ties with the linear autoregression baseline (difference not significant, p = 0.23)",
    );
    expect(await page.locator("#leaderboard thead").textContent()).toContain("Ratio to best baseline");

    // The plots rendered: uPlot canvases and the parallel coordinates carry drawn pixels.
    await expect.poll(() => page.locator("#best-chart").getAttribute("data-points")).toBe(String(LOSSES.length));
    await expect.poll(() => page.locator("#parallel").getAttribute("data-lines")).toBe(String(LOSSES.length));
    await expect.poll(() => page.locator("#curves-chart").getAttribute("data-trials")).toBe(expected.slice(0, 3).join(","));
    const inked = await page.evaluate(() =>
      ["#best-chart canvas", "#curves-chart canvas", "#parallel"].map((sel) => {
        const c = document.querySelector(sel) as HTMLCanvasElement | null;
        if (!c || c.width === 0) return 0;
        const d = c.getContext("2d")!.getImageData(0, 0, c.width, c.height).data;
        let n = 0;
        for (let i = 3; i < d.length; i += 4) if (d[i]! > 0) n++;
        return n;
      }),
    );
    for (const n of inked) expect(n).toBeGreaterThan(500);
    await expect.poll(() => page.locator("#importance .bar").count()).toBe(3);
    await expect.poll(() => page.locator("#workers tbody tr[data-worker]").count()).toBe(2);

    // Clicking a row overlays its curve.
    await page.locator(`#leaderboard tbody tr[data-trial='${expected[5]}']`).click();
    await expect.poll(() => page.locator("#curves-chart").getAttribute("data-trials")).toBe([...expected.slice(0, 3), expected[5]].join(","));

    // Sorting by a hyperparameter is server-side and shows in the header.
    await page.locator("th[data-sort='param.dropout']").click();
    await expect.poll(() => page.locator("#leaderboard tbody tr[data-trial]").first().getAttribute("data-trial")).toBe("0");
    await page.locator("th[data-sort='rank']").click();
    await expect.poll(() => page.locator("#leaderboard tbody tr[data-trial]").first().getAttribute("data-trial")).toBe(String(expected[0]));

    // Control: refused without the token, applied with it.
    await page.locator("#pause").click();
    await expect.poll(() => page.locator("#control-msg").textContent()).toMatch(/token/);
    expect((await store.getSweep(SWEEP))?.state).toBe("running");
    await page.locator("#token").fill(TOKEN);
    await page.locator("#pause").click();
    await expect.poll(async () => (await store.getSweep(SWEEP))?.state).toBe("paused");
    await expect.poll(() => page.locator("#title .badge").textContent()).toBe("paused");
    await page.locator("#resume").click();
    await expect.poll(async () => (await store.getSweep(SWEEP))?.state).toBe("running");
    await expect.poll(() => page.locator("#title .badge").textContent()).toBe("running");

    // A sampler's warning reaches the page as a notice.
    await store.appendEvent({ type: "sampler.warning", sweepId: SWEEP, at: Date.now(), message: "GP fit failed; this trial is random" });
    await expect.poll(() => page.locator("#notices .notice").textContent()).toMatch(/GP fit failed/);

    const shot = join(tmpdir(), `hyperq-dashboard-e2e-${Date.now()}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    console.log(`screenshot: ${shot}`);

    // The sweeps page lists it with its progress.
    await page.goto(dashboard.url + "/");
    await expect.poll(() => page.locator(`#sweeps tr[data-sweep='${SWEEP}']`).textContent()).toMatch(/8 \/ 8/);
  });
});

/**
 * The whole system as a user sees it: `hyperq dashboard`, a coordinator and two workers training
 * real models, and the sweep page in headless Chromium while the sweep runs. (The dashboard's own
 * e2e test in apps/dashboard/test drives exact losses through the store to check every widget.)
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { chromium, type BrowserContext } from "playwright-core";
import { Deployment, waitFor } from "./helpers.ts";

const CHROMIUM = process.env.CHROMIUM_PATH ?? "/usr/bin/chromium";
const PORT = 18_000 + Math.floor(Math.random() * 2000);

const SPEC = `
name: e2e-live
seed: 5
dataset: { name: seattle-weather, target: temp_max, features: [precipitation, temp_max, temp_min, wind] }
method: random
budget: 6
parallelism: 2
epochs: 3
training: { seq_len: 7, batch_size: 64 }
space:
  variant: [multi, attention, encoder-decoder]
  hidden_size: [4, 8]
  learning_rate: { type: float, low: 0.001, high: 0.02, log: true }
`;

describe("the dashboard during a real sweep", () => {
  const d = new Deployment();
  let browser: BrowserContext;
  let profile: string;
  beforeAll(async () => {
    d.startCluster();
    d.start("dashboard", ["dashboard", "--port", String(PORT)]);
    profile = mkdtempSync(join(tmpdir(), "hq-live-chromium-"));
    browser = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      viewport: { width: 1400, height: 1100 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
  });
  afterAll(async () => {
    await browser?.close();
    if (profile) rmSync(profile, { recursive: true, force: true });
    await d.stop();
  });

  it("shows trials appear live in rank order, with plots", async () => {
    await waitFor("the dashboard", async () => (await fetch(`http://127.0.0.1:${PORT}/api/health`).catch(() => undefined))?.ok, 30_000);
    const id = await d.launch(SPEC);
    const page = await browser.newPage();
    const errors: string[] = [];
    page.on("pageerror", (e) => errors.push(e.message));
    await page.goto(`http://127.0.0.1:${PORT}/sweeps/${id}`);
    await page.waitForSelector("body[data-ready='1']");

    const rowsNow = () => page.locator("#leaderboard tbody tr[data-state='complete']").count();
    // Rows arrive while the sweep runs, without reloading the page.
    await expect.poll(rowsNow, { timeout: 120_000, interval: 250 }).toBeGreaterThan(0);
    const firstSeen = await rowsNow();
    await d.until(id, ["complete"], 180_000);
    await expect.poll(rowsNow, { timeout: 5000 }).toBe(6);
    expect(firstSeen).toBeLessThan(6);

    const shown = await page.$$eval("#leaderboard tbody tr[data-trial]", (trs) => trs.map((tr) => Number((tr as HTMLElement).dataset.trial)));
    const board = (await d.store.leaderboard(id)).rows;
    expect(shown).toEqual(board.map((t) => t.number));
    // Each row as rendered (rank, state, validation loss) is the store's leaderboard row.
    const rendered = await page.$$eval("#leaderboard tbody tr[data-trial]", (trs) =>
      trs.map((tr) => {
        const ds = (tr as HTMLElement).dataset;
        return { number: Number(ds.trial), rank: Number(ds.rank), state: ds.state, valLoss: Number(ds.loss) };
      }),
    );
    expect(rendered).toEqual(board.map((t, i) => ({ number: t.number, rank: i + 1, state: "complete", valLoss: t.metrics?.valLoss })));
    await expect.poll(() => page.locator("#progress").textContent()).toBe("6 / 6");
    await expect.poll(() => page.locator("#best-chart").getAttribute("data-points")).toBe("6");
    // The loss curves of the three best trials, as ranked by the store, one point per epoch each.
    await expect.poll(() => page.locator("#curves-chart").getAttribute("data-trials")).toBe(board.slice(0, 3).map((t) => t.number).join(","));
    const epochs = await Promise.all(board.slice(0, 3).map((t) => d.store.epochs(id, t.number)));
    expect(epochs.map((e) => e.length)).toEqual([3, 3, 3]);
    await expect.poll(() => page.locator("#curves-chart").getAttribute("data-points")).toBe(String(epochs.flat().length));
    await expect.poll(() => page.locator("#parallel").getAttribute("data-lines")).toBe("6");
    await expect.poll(() => page.locator("#workers tbody tr[data-worker]").count()).toBeGreaterThanOrEqual(2);
    // The best trial beside the best baseline, with the Diebold–Mariano verdict the worker stored.
    const best = (await d.store.leaderboard(id)).rows[0]?.metrics;
    expect(best?.baselines?.best).toBeDefined();
    await expect.poll(() => page.locator("#verdict").textContent()).toMatch(/validation windows the best model (beats|ties with|loses to) the .+ baseline \((Diebold–Mariano|difference not significant,) p [=<] [\d.]+\)/);
    expect(await page.locator("#leaderboard thead").textContent()).toContain("Ratio to best baseline");
    const shot = join(tmpdir(), `hyperq-live-sweep-${Date.now()}.png`);
    await page.screenshot({ path: shot, fullPage: true });
    expect(statSync(shot).size).toBeGreaterThan(20_000);
    console.log(`screenshot: ${shot}`);
    expect(errors).toEqual([]);
  });
});

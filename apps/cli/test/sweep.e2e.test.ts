/**
 * End to end, on real parts: the `hyperq` CLI, a coordinator process, two worker processes that
 * train real tfjs LSTMs on the bundled S&P 500 series, and a real Redis.
 */
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { datasetSpecSchema } from "@hyperq/protocol";
import { readDatasetSource } from "@hyperq/timeseries";
import { Deployment } from "./helpers.ts";

const TINY = `
name: e2e-tiny
seed: 3
dataset: { name: sp500, features: [close, volume], target: close, targetTransform: log-return }
model: multi
method: random
budget: 4
parallelism: 2
epochs: 2
training: { seq_len: 8, batch_size: 128 }
space:
  hidden_size: [4, 8]
  num_layers: [1, 2]
  learning_rate: { type: float, low: 0.001, high: 0.01, log: true }
`;

describe("a tiny sweep through coordinator, queue and two workers", () => {
  const d = new Deployment();
  beforeAll(() => {
    d.startCluster();
  });
  afterAll(() => d.stop());

  it("rejects an invalid spec with field-level errors and leaves Redis untouched", async () => {
    const before = await d.dataKeys();
    const bad = d.writeSpec(
      "bad.yaml",
      `name: bad
method: random
epochs: 2
parallelism: 0
space:
  hidden_size: { type: int, low: 64, high: 8 }
  optimizer: []
`,
    );
    const r = await d.run(["sweep", "launch", bad, "--detach"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("parallelism");
    expect(r.stderr).toContain("`low < high` must hold, but got low=64, high=8");
    expect(r.stderr).toContain("space.optimizer.values");
    expect(r.stderr).toContain("budget");
    expect(await d.dataKeys()).toEqual(before);
    expect(await d.store.listSweeps()).toEqual([]);
  });

  it("completes every trial with a finite validation loss, ranked in order", async () => {
    const id = await d.launch(TINY);
    const sweep = await d.until(id, ["complete"], 200_000);
    expect(sweep.counts).toMatchObject({ complete: 4, failed: 0, running: 0, waiting: 0 });
    const trials = await d.store.listTrials(id);
    expect(trials.map((t) => t.number)).toEqual([0, 1, 2, 3]);
    for (const t of trials) {
      expect(t.state).toBe("complete");
      expect(Number.isFinite(t.metrics?.valLoss)).toBe(true);
      expect(t.metrics?.naiveMae).toBeGreaterThan(0);
      // Every baseline on the same validation windows, the best named, and the DM test against it.
      const b = t.metrics?.baselines;
      expect(b?.naive.mae).toBeCloseTo(t.metrics!.naiveMae, 10);
      expect(b?.linear.mae).toBeGreaterThan(0);
      expect(b?.[b.best]?.mae).toBe(Math.min(...[b!.naive, b!.mean, b!.linear, b!.seasonalNaive].flatMap((x) => (x ? [x.mae] : []))));
      expect(t.metrics?.significance).toMatchObject({ baseline: b?.best });
      expect(t.metrics?.significance?.pValue).toBeGreaterThanOrEqual(0);
      expect(t.metrics?.epochs).toBe(2);
      expect((await d.store.epochs(id, t.number)).map((e) => e.epoch)).toEqual([1, 2]);
    }
    const lb = await d.store.leaderboard(id);
    const losses = lb.rows.map((r) => r.metrics!.valLoss);
    expect(losses).toEqual([...losses].sort((a, b) => a - b));
    expect(sweep.best?.valLoss).toBe(losses[0]);
    // Both workers took part (parallelism 2, two idle workers).
    expect(new Set(trials.map((t) => t.workerId)).size).toBe(2);

    const table = await d.run(["leaderboard", id]);
    expect(table.code).toBe(0);
    expect(table.stdout).toMatch(/rank\s+trial\s+state\s+val_loss/);
    expect(table.stdout).toContain("naive");
    expect(table.stdout).toMatch(/ratio\s+best_baseline\s+ratio_best/);
    const best = lb.rows[0]!;
    const said = best.metrics!.significance!.verdict === "ties" ? "ties with" : best.metrics!.significance!.verdict === "beats" ? "beats" : "loses to";
    expect(table.stdout).toContain(`best model (trial ${best.number}): val MAE`);
    expect(table.stdout).toMatch(new RegExp(`On \\d+ windows it ${said} the .+ baseline \\(.*p [=<] [\\d.]+\\)\\.`));
    const status = await d.run(["sweep", "status", id]);
    expect(status.stdout).toMatch(/it (beats|ties with|loses to) the .+ baseline/);

    // The held-out test part, for the best trials only: predicted with their stored weights (the
    // sweep keeps the best 5 models), the validation loss comes out as stored, and the test MAE is scored.
    const ev = await d.run(["sweep", "evaluate", id, "--top", "2"]);
    expect(ev.code, ev.stderr).toBe(0);
    const lines = ev.stdout.trim().split("\n");
    expect(lines[0]).toMatch(/^test part: \d+ rows/);
    expect(lines[1]).toMatch(/ratio\s+best_baseline\s+baseline_mae\s+ratio_best\s+dm_p\s+vs_best\s+weights$/);
    const body = lines.slice(3, 5).map((l) => l.trim().split(/\s+/));
    expect(body).toHaveLength(2);
    for (const [, trial, stored, rescored, , testMae, naiveMae, ratio, baseline, baselineMae, ratioBest, p, verdict, weights] of body) {
      expect(rescored, `trial ${trial}`).toBe(stored);
      expect(weights).toBe("stored");
      expect(Number(testMae)).toBeGreaterThan(0);
      expect(Number(naiveMae)).toBeGreaterThan(0);
      expect(Number(ratio)).toBeCloseTo(Number(testMae) / Number(naiveMae), 2);
      expect(["naive", "seasonalNaive", "mean", "linear"]).toContain(baseline);
      expect(Number(ratioBest)).toBeCloseTo(Number(testMae) / Number(baselineMae), 2);
      expect(Number(p)).toBeGreaterThanOrEqual(0);
      expect(["beats", "ties", "loses"]).toContain(verdict);
    }
    expect(ev.stdout).toMatch(/best trial \(\d+\) on the test part: test MAE .+\nOn \d+ windows it (beats|ties with|loses to) the/);
  });

  it("exports the best model of a real sweep and predicts with it, matching the trial's validation MAE", async () => {
    const id = (await d.store.listSweeps()).find((s) => s.name === "e2e-tiny")?.id;
    expect(id).toBeDefined();
    const sweep = (await d.store.getSweep(id!))!;
    const status = await d.run(["sweep", "status", id!]);
    expect(status.stdout).toMatch(/models: 4 kept of at most 5, [\d.]+ KiB: trials /);
    const list = await d.run(["model", "list", id!]);
    expect(list.stdout).toMatch(/rank\s+trial\s+val_loss\s+bytes/);
    expect(list.stdout.trim().split("\n").slice(3).map((l) => Number(l.trim().split(/\s+/)[1]))).toEqual((await d.store.leaderboard(id!)).rows.map((r) => r.number));

    const busy = join(d.dir, "busy");
    mkdirSync(busy);
    writeFileSync(join(busy, "mine.txt"), "x");
    const refused = await d.run(["model", "export", id!, "-o", busy]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain("busy exists and is not empty");
    expect(readdirSync(busy)).toEqual(["mine.txt"]);

    const notKept = await d.run(["model", "export", id!, "--trial", "99", "-o", join(d.dir, "none")]);
    expect(notKept.code).toBe(2);
    expect(notKept.stderr).toContain(`--trial 99: sweep ${id} keeps no model for this trial`);
    expect(readdirSync(d.dir)).not.toContain("none");

    const dir = join(d.dir, "best-model");
    const ex = await d.run(["model", "export", id!, "-o", dir]);
    expect(ex.code, ex.stderr).toBe(0);
    expect(ex.stderr).toContain(`wrote trial ${sweep.best!.trial} of ${id}`);
    expect(readdirSync(dir).sort()).toEqual(["manifest.json", "weights.bin"]);

    // The whole series: the forecasts of the validation rows score the trial's reported MAE.
    const spec = datasetSpecSchema.parse({ name: "sp500", features: ["close", "volume"], target: "close", targetTransform: "log-return" });
    const { text } = readDatasetSource(spec, process.cwd());
    const csv = join(d.dir, "sp500.csv");
    writeFileSync(csv, text);
    const pr = await d.run(["predict", dir, "--csv", csv]);
    expect(pr.code, pr.stderr).toBe(0);
    const lines = pr.stdout.trim().split("\n");
    expect(lines[0]).toBe("date,forecast");
    const forecast = new Map(lines.slice(1).map((l) => l.split(",") as [string, string]).map(([date, v]) => [date, Number(v)]));
    const rows = text.trim().split("\n").slice(1).map((l) => l.split(","));
    const best = (await d.store.getTrial(id!, sweep.best!.trial))!.metrics!;
    const { train, val } = best.data!.splits;
    let abs = 0;
    let count = 0;
    for (let r = train!.rows + 8; r < train!.rows + val!.rows; r++) {
      const [date, , , , close] = rows[r]!;
      abs += Math.abs(forecast.get(date!)! - Number(close));
      count++;
    }
    expect(abs / count).toBeCloseTo(best.valMae, 6);

    const missing = join(d.dir, "no-volume.csv");
    writeFileSync(missing, text.split("\n").map((l) => l.split(",").slice(0, 5).join(",")).join("\n"));
    const bad = await d.run(["predict", dir, "--csv", missing]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('column "volume": the model needs this column');
    expect(bad.stdout).toBe("");

    // Another format version: refused with what is wrong, nothing printed.
    const manifestPath = join(dir, "manifest.json");
    writeFileSync(manifestPath, readFileSync(manifestPath, "utf8").replace('"formatVersion": 1', '"formatVersion": 2'));
    const old = await d.run(["predict", dir, "--csv", csv]);
    expect(old.code).toBe(2);
    expect(old.stderr).toContain("manifest.json: formatVersion must be 1, but got 2");
    expect(old.stdout).toBe("");
  });
});

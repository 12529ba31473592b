import { describe, expect, it } from "vitest";
import { MemorySweepStore } from "@hyperq/store";
import type { TrialRecord } from "@hyperq/protocol";
import { trialsToCsv, trialsToJson, trialsToRows } from "./export.ts";
import { createFixtureSweep } from "@hyperq/store/testing";
import { omegaSquared, paramImportance, sweepHistory } from "./analysis.ts";
import { rankTrials, sortTrials, rankMap } from "./ranking.ts";

async function fixture(trials = 40) {
  const store = new MemorySweepStore();
  const sweep = await createFixtureSweep(store, { id: "fx", trials, running: 2, waiting: 2, seed: 3 });
  return { store, sweep, trials: await store.listTrials("fx") };
}

describe("exports", () => {
  it("writes RFC 4180 CSV: one header, one line per trial, quoted where needed, empty for missing", async () => {
    const { sweep, trials } = await fixture();
    const odd: TrialRecord = { ...trials[0]!, number: 99, state: "failed", reason: 'diverged, "NaN" at\nepoch 2', params: { ...trials[0]!.params, variant: "multi" } };
    delete odd.metrics;
    const csv = trialsToCsv(sweep, [...trials, odd]);
    expect(csv.endsWith("\r\n")).toBe(true);
    const header = csv.split("\r\n")[0]!.split(",");
    expect(header.slice(0, 4)).toEqual(["sweep_id", "trial", "rank", "state"]);
    expect(header).toContain("param_learning_rate");
    expect(csv).toContain('"diverged, ""NaN"" at\nepoch 2"');
    const failedLine = csv.split("\r\n").find((l) => l.startsWith("fx,99,"))!;
    expect(failedLine).toMatch(/^fx,99,,failed,,/);
  });

  it("writes a header even for a sweep without trials", async () => {
    const { sweep } = await fixture(4);
    expect(trialsToCsv(sweep, []).split("\r\n")[0]).toMatch(/param_variant/);
  });

  it("ranks rows like the store's leaderboard", async () => {
    const { store, sweep, trials } = await fixture();
    const lb = await store.leaderboard("fx", { limit: 1000 });
    const rows = trialsToRows(sweep, trials);
    for (const [i, t] of lb.rows.entries()) expect(rows.find((r) => r.trial === t.number)?.rank).toBe(i + 1);
    const json = JSON.parse(trialsToJson(sweep, trials));
    expect(json.trials).toHaveLength(40);
    expect(json.trials.find((t: { number: number }) => t.number === lb.rows[0]!.number).rank).toBe(1);
  });
});

describe("ranking", () => {
  it("matches the store's leaderboard and puts missing values last in both directions", async () => {
    const { store, trials } = await fixture();
    expect(rankTrials(trials).map((t) => t.number)).toEqual((await store.leaderboard("fx", { limit: 1000 })).rows.map((t) => t.number));
    const ranks = rankMap(trials);
    for (const dir of ["asc", "desc"] as const) {
      const sorted = sortTrials(trials, "valMae", dir, ranks);
      const firstMissing = sorted.findIndex((t) => t.metrics === undefined);
      expect(sorted.slice(firstMissing).every((t) => t.metrics === undefined)).toBe(true);
    }
  });
});

describe("analysis", () => {
  it("ω² is about 0 for noise and about 1 for a perfect split", () => {
    expect(omegaSquared([[0.1, 0.9, 0.5, 0.4], [0.2, 0.8, 0.6, 0.3]])).toBe(0);
    expect(omegaSquared([[0, 0, 0.01], [1, 1, 0.99]])).toBeGreaterThan(0.99);
  });

  it("finds the fixture's known order of importance: learning_rate first, batch_size near last", async () => {
    const { sweep, trials } = await fixture(600);
    const imp = paramImportance(sweep, trials);
    expect(imp.params[0]?.name).toBe("learning_rate");
    expect(imp.params.reduce((s, p) => s + p.importance, 0)).toBeCloseTo(1);
    const batch = imp.params.findIndex((p) => p.name === "batch_size");
    expect(batch).toBeGreaterThanOrEqual(imp.params.length - 3);
  });

  it("gives no estimate from too few trials", async () => {
    const { sweep, trials } = await fixture(8);
    expect(paramImportance(sweep, trials).params).toEqual([]);
  });

  it("lays out finished trials as columns, categories as indexes", async () => {
    const { sweep, trials } = await fixture();
    const h = sweepHistory(sweep, trials);
    expect(h.number.length).toBe(36);
    const v = h.axes.findIndex((a) => a.name === "variant");
    const t = trials.find((x) => x.number === h.number[0])!;
    expect(h.axes[v]?.categories?.[h.values[v]![0]!]).toBe(t.params.variant);
    expect(h.finishedAt).toEqual([...h.finishedAt].sort((a, b) => a - b));
  });
});

import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { MemorySweepStore } from "@hyperq/store";
import { budgetNote, checkLaunch, checkLaunchFile, launchSweep, maxSeqLen } from "./launch.ts";

const dir = mkdtempSync(join(tmpdir(), "hyperq-launch-"));
const csv = ["date,a,b", ...Array.from({ length: 200 }, (_, i) => `2020-01-${String(1 + (i % 28)).padStart(2, "0")}T${String(i % 24).padStart(2, "0")}:${String(Math.floor(i / 24)).padStart(2, "0")}:00Z,${i},${Math.sin(i)}`)].join("\n");
writeFileSync(join(dir, "series.csv"), csv);

describe("checkLaunch", () => {
  it("plans a grid at its size and a user file as a content-addressed blob", async () => {
    const r = await checkLaunch(
      `name: My Grid!
method: grid
epochs: 1
dataset: { path: series.csv, target: b }
space: { hidden_size: [8, 16], num_layers: { type: int, low: 1, high: 3 }, seq_len: 10 }`,
      dir,
    );
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.plan.budget).toBe(6);
    expect(r.plan.id).toMatch(/^my-grid-[0-9a-f]{6}$/);
    expect(r.plan.blob?.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(r.plan.spec.dataset.contentHash).toBe(r.plan.blob?.hash);
    expect(r.plan.spec.dataset.path).toBe(join(dir, "series.csv"));
    const store = new MemorySweepStore();
    const sweep = await launchSweep(store, r.plan);
    expect(sweep.state).toBe("running");
    expect(await store.getBlob(r.plan.blob!.hash)).toBe(csv);
  });

  it("caps a grid's budget at the grid size", async () => {
    const r = await checkLaunch(`name: g\nmethod: grid\nbudget: 100\nepochs: 1\nspace: { hidden_size: [8, 16] }`, dir);
    expect(r.ok && r.plan.budget).toBe(2);
  });

  it("cuts a budget to a finite space's size, and says so", async () => {
    const r = await checkLaunch(`name: r\nmethod: random\nbudget: 3\nepochs: 1\nspace: { hidden_size: [8, 16], seq_len: 5 }`, dir);
    if (!r.ok) throw new Error(JSON.stringify(r.issues));
    expect(r.plan.budget).toBe(2);
    expect(budgetNote(r.plan.spec, r.plan.budget)).toBe("3 trials asked, the space has 2");
    const cont = await checkLaunch(`name: r\nmethod: gp\nbudget: 3\nepochs: 1\nspace: { hidden_size: [8, 16], dropout: { type: float, low: 0.1, high: 0.3 } }`, dir);
    expect(cont.ok && [cont.plan.budget, budgetNote(cont.plan.spec, cont.plan.budget)]).toEqual([3, undefined]);
  });

  it("reports the dataset's problem beside the spec's, in one report", async () => {
    const r = await checkLaunch(`name: m\nmethod: random\nepochs: 0\ndataset: { path: series.csv, target: price }\nspace: { hidden_size: [8, 8] }`, dir);
    expect(r.ok).toBe(false);
    if (!r.ok) {
      expect(r.issues.map((i) => i.path)).toEqual(["epochs", "space.hidden_size", "budget", "dataset"]);
      expect(r.issues[3]?.message).toContain('column "price": `target` names a column the file does not have');
    }
  });

  it("rejects dataset problems before anything is stored, naming the file and column", async () => {
    const missing = await checkLaunch(`name: m\nmethod: random\nbudget: 2\nepochs: 1\ndataset: { path: nope.csv, target: b }\nspace: { hidden_size: [8] }`, dir);
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.issues[0]?.message).toContain("nope.csv");
    const column = await checkLaunch(`name: m\nmethod: random\nbudget: 2\nepochs: 1\ndataset: { path: series.csv, target: price }\nspace: { hidden_size: [8] }`, dir);
    expect(column.ok).toBe(false);
    if (!column.ok) expect(column.issues[0]).toMatchObject({ path: "dataset", message: expect.stringContaining("price") });
    const tooLong = await checkLaunch(`name: m\nmethod: random\nbudget: 2\nepochs: 1\ndataset: { path: series.csv, target: b }\nspace: { seq_len: [10, 150] }`, dir);
    expect(tooLong.ok).toBe(false);
    if (!tooLong.ok) expect(tooLong.issues[0]?.message).toMatch(/seq_len|long/);
  });

  it("reports an unreadable spec file and a bad id", async () => {
    const r = await checkLaunchFile(join(dir, "absent.yaml"));
    expect(r).toEqual({ ok: false, issues: [{ path: "(file)", message: expect.stringContaining("ENOENT") }] });
    const bad = await checkLaunch(`name: m\nmethod: random\nbudget: 2\nepochs: 1\nspace: { hidden_size: [8] }`, dir, { id: "Bad:Id" });
    expect(bad.ok).toBe(false);
  });

  it("finds the largest seq_len a sweep may try", async () => {
    const r = await checkLaunch(`name: m\nmethod: random\nbudget: 2\nepochs: 1\nspace: { seq_len: { type: int, low: 5, high: 60 } }`, dir);
    expect(r.ok && maxSeqLen(r.plan.spec)).toBe(60);
  });
});

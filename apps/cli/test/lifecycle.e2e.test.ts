/**
 * A sweep's life end to end, on real parts: the `hyperq` CLI, a coordinator process, worker
 * processes training real tfjs LSTMs, a real Redis. Given configurations run first; a complete
 * sweep is extended and runs again; a warm-started sweep learns from another without re-running
 * its trials; sweeps are compared; workers leave by themselves (idle, after n trials, when asked).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Deployment } from "./helpers.ts";

/** `epochs`: a sweep whose running trial the test must catch gets many (a tiny epoch takes ~30 ms). */
const spec = (name: string, extra: string, epochs = 2) => `
name: ${name}
seed: 5
dataset: { name: sp500, features: [close, volume], target: close, targetTransform: log-return }
model: multi
epochs: ${epochs}
training: { seq_len: 8, batch_size: 128 }
${extra}
`;
const SPACE = `space:
  hidden_size: [4, 8]
  num_layers: [1, 2]
  learning_rate: { type: float, low: 0.001, high: 0.01, log: true }`;
const key = (p: Record<string, unknown>) => JSON.stringify(Object.entries(p).sort());

describe("sweep lifecycle with real workers", () => {
  const d = new Deployment();
  beforeAll(() => {
    d.start("coordinator", ["coordinator"]);
  });
  afterAll(() => d.stop());

  it("workers leave by themselves: after --max-trials, after --exit-when-idle, and when `workers stop` asks", async () => {
    d.start("w-max", ["worker", "--max-trials", "1"]);
    const id = await d.launch(spec("leave", `method: random\nbudget: 3\nparallelism: 1\n${SPACE}`, 30));
    await d.exited("w-max", 180_000);
    expect(d.proc("w-max").exitCode).toBe(0);
    expect((await d.store.listTrials(id)).filter((t) => t.state === "complete")).toHaveLength(1);
    expect(await d.store.listWorkers()).toEqual([]);

    // Asked to stop while training: the running trial finishes (no attempt lost), then the worker leaves.
    d.start("w-stop", ["worker"], { env: { HYPERQ_GRACE_S: "600" } });
    const running = await d.runningTrial(id, () => true, 1, 120_000);
    const r = await d.run(["workers", "stop", running.workerId!]);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain("asked to stop");
    await d.exited("w-stop", 120_000);
    expect(d.proc("w-stop").exitCode).toBe(0);
    expect(await d.store.getTrial(id, running.number)).toMatchObject({ state: "complete", attempts: 1 });
    expect(await d.store.listWorkers()).toEqual([]);
    expect((await d.run(["workers", "stop", running.workerId!])).stderr).toContain("is registered");

    d.start("w-idle", ["worker", "--exit-when-idle", "2"]);
    await d.until(id, ["complete"], 180_000);
    await d.exited("w-idle", 60_000);
    expect(d.proc("w-idle").exitCode).toBe(0);
    expect(d.logs("w-idle").some((l) => l.msg === "worker leaving" && l.reason === "idle")).toBe(true);
    expect(await d.store.listWorkers()).toEqual([]);
  });

  it("runs given configurations first, extends a complete sweep, warm-starts another from it and compares them", async () => {
    d.start("worker", ["worker", "--concurrency", "2"]);
    const initial = `initial:\n  - { hidden_size: 8, num_layers: 1, learning_rate: 0.005 }\n  - { hidden_size: 4, num_layers: 2, learning_rate: 0.002 }`;
    const bad = await d.run(["sweep", "validate", d.writeSpec("bad-initial.yaml", spec("bad", `method: random\nbudget: 3\n${SPACE}\ninitial:\n  - { hidden_size: 8, num_layers: 1, learning_rate: 0.5 }`))]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("initial.0.learning_rate: `0.001 <= value <= 0.01` must hold, but got 0.5");

    const src = await d.launch(spec("source", `method: random\nbudget: 3\nparallelism: 2\n${SPACE}\n${initial}`));
    await d.until(src, ["complete"], 200_000);
    const first = await d.store.listTrials(src);
    expect(first.slice(0, 2).map((t) => t.params)).toEqual([
      { hidden_size: 8, num_layers: 1, learning_rate: 0.005 },
      { hidden_size: 4, num_layers: 2, learning_rate: 0.002 },
    ]);

    const low = await d.run(["sweep", "extend", src, "--budget", "2"]);
    expect(low.code).toBe(2);
    expect(low.stderr).toContain("--budget must be at least the 3 trials");
    const ext = await d.run(["sweep", "extend", src, "--budget", "5"]);
    expect(ext.code).toBe(0);
    expect(ext.stdout).toContain("budget 3 → 5 (complete → running)");
    await d.wait("the extended sweep to run again", async () => (await d.sweep(src)).created > 3, 60_000);
    const extended = await d.until(src, ["complete"], 200_000);
    expect(extended).toMatchObject({ budget: 5, created: 5, counts: { complete: 5 } });

    const cold = await d.store.listTrials(src);
    const w = await d.run(["sweep", "launch", d.writeSpec("warm.yaml", spec("warm", `method: gp\nbudget: 2\nparallelism: 2\n${SPACE}`)), "--detach", "--warm-start", src]);
    expect(w.code).toBe(0);
    expect(w.stderr).toContain(`warm start: 5 finished trials of sweep ${src}`);
    const warm = w.stdout.trim();
    await d.until(warm, ["complete"], 200_000);
    const known = new Set(cold.map((t) => key(t.params)));
    for (const t of await d.store.listTrials(warm)) expect(known.has(key(t.params))).toBe(false);
    expect((await d.run(["sweep", "status", warm])).stdout).toContain(`warm start: 5 observations from sweep ${src}`);

    const foreign = await d.run(["sweep", "launch", d.writeSpec("foreign.yaml", spec("foreign", "method: gp\nbudget: 2\nspace:\n  dropout: { type: float, low: 0.1, high: 0.3 }")), "--detach", "--warm-start", src]);
    expect(foreign.code).toBe(2);
    expect(foreign.stderr).toContain(`warmStartFrom: sweep "${src}" shares no searched parameter`);

    const cmp = await d.run(["sweep", "compare", src, warm]);
    expect(cmp.code).toBe(0);
    const lines = cmp.stdout.split("\n");
    expect(lines[0]).toMatch(/sweep\s+name\s+method\s+state\s+done\s+budget\s+best_trial\s+best_val_loss\s+best_val_mae\s+naive_mae\s+ratio_naive\s+best_baseline\s+baseline_mae\s+ratio_baseline\s+warm_start/);
    const best = (await d.store.leaderboard(src, { limit: 1 })).rows[0]!;
    expect(lines.find((l) => l.startsWith(src))).toMatch(new RegExp(`^${src}\\s+source\\s+random\\s+complete\\s+5\\s+5\\s+${best.number}\\s`));
    expect(lines.find((l) => l.startsWith(warm))).toContain(`5 from ${src}`);

    const gone = await d.launch(spec("gone", `method: random\nbudget: 50\n${SPACE}`));
    expect((await d.run(["sweep", "cancel", gone])).code).toBe(0);
    const dead = await d.run(["sweep", "extend", gone, "--budget", "60"]);
    expect(dead.code).toBe(2);
    expect(dead.stderr).toContain(`cannot extend: sweep ${gone} was cancelled`);
  });
});

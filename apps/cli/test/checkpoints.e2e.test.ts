/**
 * Checkpoints across a real kill -9: a worker process (and its trial process) dies mid-trial, the
 * retried attempt on another worker resumes from the last checkpoint, and the trial ends with the
 * result of an uninterrupted run of the same seed. Prints the figures (fault suite style).
 */
import { afterAll, describe, expect, it } from "vitest";
import { FAST_RECOVERY, FaultDeployment, SHARED_REDIS_URL, childPids } from "./fault-kit.ts";
const EPOCHS = 20;

function spec(name: string): string {
  return `
name: ${name}
seed: 5
dataset: { name: sp500, features: [close, volume], target: close, targetTransform: log-return }
model: multi
method: random
budget: 1
parallelism: 1
epochs: ${EPOCHS}
checkpointEvery: 1
training: { seq_len: 8, batch_size: 128, num_layers: 2, hidden_size: 8 }
space:
  learning_rate: { type: float, low: 0.001, high: 0.01, log: true }
  dropout: { type: float, low: 0.1, high: 0.3 }
`;
}

const d = new FaultDeployment(SHARED_REDIS_URL, FAST_RECOVERY);
afterAll(() => d.stop());

describe("training checkpoints", () => {
  it("kill -9 of the worker mid-trial: the retry resumes from the checkpoint and ends exactly as an uninterrupted run", async () => {
    d.start("coordinator", ["coordinator"]);
    d.start("worker-1", ["worker"]);
    d.start("worker-2", ["worker"]);
    const id = await d.launch(spec("resume"));
    const t = await d.runningTrial(id, () => true, EPOCHS / 2, 180_000);
    const victim = d.workerName(t.workerId!);
    const kids = childPids(d.proc(victim).pid!);
    await d.kill(victim, "SIGKILL");
    for (const c of kids) process.kill(c, "SIGKILL"); // the whole machine dies: its trial process too
    const killedAt = Date.now();
    const atKill = (await d.store.epochs(id, 0)).length;
    await d.until(id, ["complete"], 240_000);
    const resumedIn = Date.now() - killedAt;
    const survivor = victim === "worker-1" ? "worker-2" : "worker-1";
    const resumed = d.logs(survivor).find((l) => l.msg === "resuming from checkpoint" && l.trial === 0);
    expect(resumed, d.dump()).toBeDefined();
    expect(Number(resumed!.epoch)).toBeGreaterThanOrEqual(EPOCHS / 2 - 1);
    const trial = (await d.store.getTrial(id, 0))!;
    expect(trial).toMatchObject({ state: "complete", attempts: 2 });
    expect((await d.store.epochs(id, 0)).map((e) => e.epoch)).toEqual(Array.from({ length: EPOCHS }, (_, i) => i + 1));
    expect(await d.redis.exists(d.keys.checkpoint(id, 0))).toBe(0);

    // The same trial (same sweep seed, same number: same parameters and seed), never interrupted.
    const ref = await d.launch(spec("reference"));
    await d.until(ref, ["complete"], 240_000);
    const a = (await d.store.getTrial(ref, 0))!;
    expect(a.params).toEqual(trial.params);
    for (const k of ["valLoss", "valMae", "trainLoss", "bestEpoch", "epochs"] as const) expect(trial.metrics![k], k).toBe(a.metrics![k]);
    expect((await d.store.epochs(id, 0)).map((e) => e.valLoss)).toEqual((await d.store.epochs(ref, 0)).map((e) => e.valLoss));
    expect(await d.redis.exists(d.keys.checkpoint(ref, 0))).toBe(0);

    console.log(
      `checkpoint resume: killed at epoch ${atKill} of ${EPOCHS}, resumed from epoch ${String(resumed!.epoch)}; ` +
        `the resumed attempt trained ${trial.metrics!.durationMs} ms (the uninterrupted run ${a.metrics!.durationMs} ms); done ${resumedIn} ms after the kill (stall detection included)`,
    );
  });
});

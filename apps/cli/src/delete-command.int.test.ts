import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { TrialQueue, checkLaunch, launchSweep } from "@hyperq/coordinator";
import { resolveHyperparams } from "@hyperq/protocol";
import { RedisSweepStore, connectRedis, redisKeys } from "@hyperq/store";
import { UsageError } from "./config.ts";
import { deleteSweep } from "./delete-command.ts";

const url = process.env.REDIS_URL ?? "redis://127.0.0.1:6379";
const prefix = `hqtest-del-${randomUUID().slice(0, 8)}`;
const redis = connectRedis(url);
const store = new RedisSweepStore(redis, { keyPrefix: prefix });
const queue = new TrialQueue({ connection: connectRedis(url), keyPrefix: prefix });
const csv = ["date,v", ...Array.from({ length: 80 }, (_, i) => `${i},${Math.sin(i / 5) + 2}`)].join("\n");

/** A launched sweep on a user file, with `trials` trials queued and finished (no worker needed). */
async function sweepWithTrials(id: string, trials: number): Promise<void> {
  const r = await checkLaunch(`name: ${id}\nmethod: random\nbudget: 4\nepochs: 2\ndataset: { path: data.csv, target: v }\nspace: { dropout: { type: float, low: 0.1, high: 0.3 }, seq_len: 4 }`, dir, { id });
  if (!r.ok) throw new Error(JSON.stringify(r.issues));
  const sweep = await launchSweep(store, r.plan);
  for (let n = 0; n < trials; n++) {
    const params = { dropout: 0.2 };
    await store.createTrial(id, n, params, n);
    const { spec } = sweep;
    await queue.enqueue([{ sweepId: id, trialNumber: n, seed: n, params, hyperparams: resolveHyperparams(spec, params), epochs: spec.epochs, patience: spec.patience, dataset: spec.dataset }], 1);
    await store.claimTrial(id, n, { workerId: "w", token: `t${n}` });
    await store.reportEpoch(id, n, `t${n}`, { epoch: 1, trainLoss: 1, valLoss: 1, learningRate: 1e-3, durationMs: 1 });
  }
}

const dir = mkdtempSync(join(tmpdir(), "hyperq-delete-"));
beforeAll(() => writeFileSync(join(dir, "data.csv"), csv));
afterAll(async () => {
  rmSync(dir, { recursive: true, force: true });
  const keys = await redis.keys(`${prefix}:*`);
  if (keys.length) await redis.del(...keys);
  await queue.close();
  await store.close();
  redis.disconnect();
});

describe("hyperq sweep delete (real Redis and BullMQ)", () => {
  it("refuses a running sweep, then removes a finished one's trials, events, jobs and blob, leaving no key behind", async () => {
    const quiet = vi.spyOn(process.stdout, "write").mockImplementation(() => true);
    try {
      await sweepWithTrials("del-a", 2);
      await sweepWithTrials("del-b", 1); // same file: shares the blob
      const hash = (await store.getSweep("del-a"))!.spec.dataset.contentHash!;
      expect(await queue.queue.getJobCounts("waiting")).toMatchObject({ waiting: 3 });

      await expect(deleteSweep(store, queue, "del-a")).rejects.toThrow(
        new UsageError("cannot delete sweep del-a: it is running; only a complete or cancelled sweep can be deleted (`hyperq sweep cancel del-a` first)"),
      );
      await store.setSweepState("del-a", "cancelled");
      await expect(deleteSweep(store, queue, "del-a")).rejects.toThrow("it is cancelled but 2 trials still running");
      for (const n of [0, 1]) await store.failTrial("del-a", n, `t${n}`, "cancelled");

      const line = await deleteSweep(store, queue, "del-a");
      expect(line).toMatch(new RegExp(`^deleted sweep del-a \\(cancelled\\): removed 2 trials, \\d+ events, 2 queue jobs, not its dataset blob ${hash.slice(0, 12)}… \\(used by 1 other sweep\\)$`));
      const left = await redis.keys(`${prefix}:*`);
      // Judged after the prefix: a random prefix such as "hqtest-del-a635…" holds "del-a" itself.
      expect(left.filter((k) => k.slice(prefix.length).includes("del-a"))).toEqual([]);
      expect(await queue.status("del-a", 0)).toEqual({ status: "missing" });
      expect(await store.getBlob(hash)).toBe(csv);

      for (const n of [0]) await store.completeTrial("del-b", n, `t${n}`, { valLoss: 1, valMae: 1, valRmse: 1, naiveMae: 1, meanMae: 1, maeRatio: 1, trainLoss: 1, bestEpoch: 1, epochs: 1, durationMs: 1, backend: "cpu", workerId: "w" });
      await store.setSweepState("del-b", "complete");
      expect(await deleteSweep(store, queue, "del-b")).toMatch(new RegExp(`^deleted sweep del-b \\(complete\\): removed 1 trial, \\d+ events, 1 queue job, dataset blob ${hash.slice(0, 12)}…$`));
      expect(await store.getBlob(hash)).toBeUndefined();
      const k = redisKeys(prefix);
      const data = (await redis.keys(`${prefix}:*`)).filter((key) => !key.startsWith(k.bull));
      expect(data).toEqual([k.events]);
      expect((await store.readEvents("0", { count: 10_000 })).filter((e) => e.sweepId.startsWith("del-"))).toEqual([]);
      await expect(deleteSweep(store, queue, "del-b")).rejects.toThrow('no sweep "del-b"');
    } finally {
      quiet.mockRestore();
    }
  });
});

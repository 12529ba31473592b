/**
 * Writes a synthetic sweep into Redis through the store's verbs (what workers do), for trying the
 * dashboard at scale and benchmarking it.
 *
 *   pnpm fixture:sweep -- --trials 10000 [--id fixture-10000] [--prefix hq] [--redis redis://127.0.0.1:6379]
 *   pnpm fixture:sweep -- --delete --id fixture-10000        # removes that sweep's keys again
 */
import { parseArgs } from "node:util";
import { RedisSweepStore, connectRedis, redisKeys } from "../packages/store/src/index.ts";
import { createFixtureSweep } from "../packages/store/src/testing/index.ts";

const { values } = parseArgs({
  // `pnpm <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--")),
  options: {
    trials: { type: "string", default: "10000" },
    epochs: { type: "string", default: "5" },
    id: { type: "string" },
    prefix: { type: "string", default: process.env.HYPERQ_PREFIX ?? "hq" },
    redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
    seed: { type: "string", default: "1" },
    delete: { type: "boolean", default: false },
  },
});

const trials = Number(values.trials);
const epochs = Number(values.epochs);
if (!Number.isInteger(trials) || trials < 1 || trials > 1_000_000) throw new Error(`--trials must be a whole number in 1..1000000, but got ${values.trials}`);
if (!Number.isInteger(epochs) || epochs < 1 || epochs > 1000) throw new Error(`--epochs must be a whole number in 1..1000, but got ${values.epochs}`);
const id = values.id ?? `fixture-${trials}`;
const redis = connectRedis(values.redis);
const store = new RedisSweepStore(redis, { keyPrefix: values.prefix });

/** Deletes every key of one sweep (sweep hash, trial hashes, epochs, leaderboards) and its index entries. */
async function deleteSweep(): Promise<number> {
  const k = redisKeys(values.prefix);
  let deleted = 0;
  for (const pattern of [k.sweep(id), `${k.sweep(id)}:*`, `${k.trialKeyPrefix(id)}*`]) {
    let cursor = "0";
    do {
      const [next, keys] = await redis.scan(cursor, "MATCH", pattern, "COUNT", 1000);
      cursor = next;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== "0");
  }
  await redis.zrem(k.sweeps, id);
  await redis.srem(k.active, id);
  // The fixture's announced workers (the event stream is shared by every sweep and stays).
  for (const w of await store.listWorkers()) if (w.host === "fixture") await store.removeWorker(w.id);
  return deleted;
}

try {
  if (values.delete) {
    console.log(`deleted ${await deleteSweep()} keys of sweep "${id}" under prefix "${values.prefix}"`);
  } else {
    if (await store.getSweep(id)) throw new Error(`sweep "${id}" already exists under prefix "${values.prefix}"; pass --delete first or another --id`);
    const t0 = performance.now();
    let shown = 0;
    const s = await createFixtureSweep(store, {
      id,
      trials,
      epochs,
      seed: Number(values.seed),
      onProgress: (done, total) => {
        if (done - shown >= total / 10 || done === total) {
          shown = done;
          process.stdout.write(`  ${done}/${total} trials\n`);
        }
      },
    });
    const secs = (performance.now() - t0) / 1000;
    console.log(`sweep "${s.id}" (prefix "${values.prefix}"): ${s.counts.complete} complete, ${s.counts.pruned} pruned, ${s.counts.failed} failed, ${s.counts.running} running, ${s.counts.waiting} waiting; best val loss ${s.best?.valLoss.toPrecision(4)} (trial ${s.best?.trial}); written in ${secs.toFixed(1)} s`);
    console.log(`view it: pnpm hyperq dashboard  →  /sweeps/${s.id}`);
  }
} finally {
  await store.close();
  redis.disconnect();
}

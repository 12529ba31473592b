import { readFileSync, readdirSync } from "node:fs";
import type { Redis } from "ioredis";

type Arg = string | number | Buffer;
type Raw = (keys: string[], args: Arg[]) => Promise<unknown>;

/**
 * One typed function per Lua script in `lua/` (`<command>-<numKeys>.lua`): its KEYS and ARGV as
 * labelled tuples in the order of the script's header, and its raw answer (a `ScriptCode`, or for a
 * few scripts a number or array, as the header says). Decoding answers into results is the store's
 * job (`reasonOf`); these only carry them.
 */
export interface LuaScripts {
  acquireLease(keys: [lease: string], args: [owner: string, ttlMs: number]): Promise<number>;
  releaseLease(keys: [lease: string], args: [owner: string]): Promise<number>;
  claimTrial(
    keys: [trial: string, sweep: string, events: string],
    args: [token: string, workerId: string, now: number, sweepId: string, trial: number, maxEvents: number],
  ): Promise<number>;
  createTrial(
    keys: [trial: string, sweep: string, trialIndex: string, events: string],
    args: [trial: number, paramsJson: string, seed: number, now: number, eventJson: string, maxEvents: number],
  ): Promise<number>;
  decideTrial(keys: [trial: string], args: [epoch: number, prune: "1" | "0", reason: string]): Promise<number>;
  deleteSweep(
    keys: [
      sweep: string,
      sweeps: string,
      active: string,
      trialIndex: string,
      leaderboard: string,
      lease: string,
      blob: string,
      blobRefs: string,
      observations: string,
      models: string,
      modelData: string,
      prunedBoard: string,
    ],
    args: [sweepId: string, trialKeyPrefix: string, rungKeyPrefix: string, epochs: number, hasBlob: 0 | 1],
  ): Promise<(number | string)[]>;
  extendSweep(
    keys: [sweep: string, active: string, events: string],
    args: [budget: number, extendedJson: string, reopenedJson: string, maxEvents: number, sweepId: string],
  ): Promise<number>;
  finishTrial(
    keys: [trial: string, sweep: string, leaderboard: string, prunedBoard: string, events: string, active: string],
    args: [
      state: "complete" | "failed" | "pruned",
      token: string,
      now: number,
      metricsJson: string,
      reason: string,
      valLoss: number | "",
      sweepId: string,
      trial: number,
      maxEvents: number,
    ],
  ): Promise<number>;
  putCheckpoint(keys: [trial: string, checkpoint: string], args: [token: string, bytes: Buffer, ttlMs: number]): Promise<number>;
  putModel(
    keys: [trial: string, sweep: string, leaderboard: string, models: string, modelData: string],
    args: [trial: number, token: string, manifestJson: string, weights: Buffer, defaultKeep: number],
  ): Promise<number[]>;
  releaseTrial(keys: [trial: string, sweep: string], args: [token: string]): Promise<number>;
  reportEpoch(
    keys: [trial: string, epochs: string, sweep: string, rung: string, events: string],
    args: [token: string, reportJson: string, epoch: number, valLoss: number | "", eventJson: string, maxEvents: number, trial: number],
  ): Promise<number>;
  setSweepState(
    keys: [sweep: string, active: string, events: string, trialIndex: string],
    args: [state: string, now: number, eventJson: string, maxEvents: number, sweepId: string, trialKeyPrefix: string],
  ): Promise<number>;
}

/** `lua/<name>-<numKeys>.lua`, read once per process. */
let sources: Map<string, { numberOfKeys: number; lua: string }> | undefined;
function loadSources(): Map<string, { numberOfKeys: number; lua: string }> {
  const dir = new URL("./lua/", import.meta.url);
  const out = new Map<string, { numberOfKeys: number; lua: string }>();
  for (const file of readdirSync(dir)) {
    const m = /^(.+)-(\d+)\.lua$/.exec(file);
    if (!m?.[1] || !m[2]) continue;
    out.set(m[1], { numberOfKeys: Number(m[2]), lua: readFileSync(new URL(file, dir), "utf8") });
  }
  return out;
}

const camel = (kebab: string) => kebab.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());

/** Defines every script on a connection (once per connection) and returns the typed wrappers. */
export function luaScripts(redis: Redis): LuaScripts {
  sources ??= loadSources();
  const out: Record<string, Raw> = {};
  for (const [name, { numberOfKeys, lua }] of sources) {
    const cmdName = `hq_${name.replace(/-/g, "_")}`;
    if (!(cmdName in redis)) redis.defineCommand(cmdName, { numberOfKeys, lua });
    const fn = (redis as unknown as Record<string, (...a: Arg[]) => Promise<unknown>>)[cmdName];
    if (!fn) throw new Error(`Lua command ${cmdName} was not defined`);
    out[camel(name)] = (keys, args) => {
      if (keys.length !== numberOfKeys) throw new Error(`Lua script ${name} takes ${numberOfKeys} keys, but got ${keys.length}`);
      return fn.call(redis, ...keys, ...args);
    };
  }
  const wrappers: (keyof LuaScripts)[] = [
    "acquireLease", "releaseLease", "claimTrial", "createTrial", "decideTrial", "deleteSweep", "extendSweep",
    "finishTrial", "putCheckpoint", "putModel", "releaseTrial", "reportEpoch", "setSweepState",
  ];
  for (const w of wrappers) if (!out[w]) throw new Error(`no Lua script for ${w} in lua/`);
  return out as unknown as LuaScripts;
}

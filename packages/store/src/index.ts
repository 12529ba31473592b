/**
 * @hyperq/store — the system of record: sweeps, trials, epoch histories, leaderboards, events.
 *
 * ```ts
 * import { RedisSweepStore, connectRedis } from "@hyperq/store";
 * const store = new RedisSweepStore(connectRedis(process.env.REDIS_URL ?? "redis://127.0.0.1:6379"));
 * const page = await store.leaderboard(sweepId, { limit: 10 });
 *
 * // The read side: follow the event stream, keep a sweep's trials fresh at the cost of the changed ones.
 * const view = new SweepView(store);
 * const events = await view.next({ blockMs: 1000 });
 * const { trials } = await view.snapshot(sweepId);
 * const done = finishedCount((await store.getSweep(sweepId))!.counts);
 * ```
 *
 * The Redis key layout (`redisKeys`) and the Lua scripts' answers (`ScriptCode`) are the store's:
 * other code names keys through `redisKeys` (tests) or, better, calls the store's verbs.
 */
export type {
  SweepStore,
  SweepRecord,
  TrialOwner,
  ClaimResult,
  EpochDecision,
  LeaderboardQuery,
  LeaderboardPage,
  WorkerInfo,
  WarmObservation,
  WarmStart,
  ExtendResult,
  DeleteSweepResult,
  StoredModel,
  KeptModel,
  PutModelResult,
} from "./sweep-store.ts";
export { RedisSweepStore, connectRedis } from "./redis-store.ts";
export type { RedisSweepStoreOptions } from "./redis-store.ts";
export { MemorySweepStore } from "./memory-store.ts";
export { SweepView } from "./sweep-view.ts";
export type { SweepViewOptions, TrialSnapshot, HeldSweep } from "./sweep-view.ts";
export { finishedCount, inFlightCount, isWorkerAlive, WORKER_ALIVE_MS } from "./sweep-facts.ts";
export type { TrialCounts } from "./sweep-facts.ts";
export { redisKeys } from "./keys.ts";
export type { RedisKeys } from "./keys.ts";
export { ScriptCode, UnexpectedScriptCodeError } from "./script-codes.ts";
export type { ScriptReason } from "./script-codes.ts";

import { Redis, type RedisOptions } from "ioredis";
import {
  DEFAULT_KEY_PREFIX,
  type EpochReport,
  type HyperqEvent,
  type ParamAssignment,
  type StoredEvent,
  type SweepSpec,
  type SweepState,
  type TrialMetrics,
  type TrialRecord,
  type TrialState,
} from "@hyperq/protocol";
import { CHECKPOINT_TTL_MS, DEFAULT_KEEP_MODELS } from "./models.ts";
import { decodeSweep, decodeTrial } from "./codec.ts";
import { redisKeys, type RedisKeys } from "./keys.ts";
import { luaScripts, type LuaScripts } from "./scripts.ts";
import { ScriptCode, reasonOf } from "./script-codes.ts";
import type {
  ClaimResult,
  DeleteSweepResult,
  EpochDecision,
  ExtendResult,
  WarmObservation,
  WarmStart,
  LeaderboardPage,
  LeaderboardQuery,
  SweepRecord,
  SweepStore,
  TrialOwner,
  WorkerInfo,
  KeptModel,
  PutModelResult,
  StoredModel,
} from "./sweep-store.ts";

export interface RedisSweepStoreOptions {
  /** Every key starts with it; tests use a unique one. @defaultValue "hq" */
  keyPrefix?: string;
  /** Events kept in the stream (approximately). @defaultValue 100000 */
  maxEvents?: number;
}

/** Opens an ioredis connection for HyperQ (URL with password/TLS supported: `rediss://:pw@host:6380`). */
export function connectRedis(url: string, opts: RedisOptions = {}): Redis {
  return new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true, ...opts });
}

/** The SweepStore on Redis: multi-key transitions are Lua scripts (see `lua/`). */
export class RedisSweepStore implements SweepStore {
  readonly keys: RedisKeys;
  readonly prefix: string;
  private readonly maxEvents: number;
  private readonly lua: LuaScripts;
  private blockingClient: Redis | undefined;

  constructor(
    readonly redis: Redis,
    opts: RedisSweepStoreOptions = {},
  ) {
    this.prefix = opts.keyPrefix ?? DEFAULT_KEY_PREFIX;
    this.keys = redisKeys(this.prefix);
    this.maxEvents = opts.maxEvents ?? 100_000;
    this.lua = luaScripts(redis);
  }

  async createSweep(spec: SweepSpec, opts: { id: string; budget: number; now?: number; warmStart?: WarmStart }): Promise<SweepRecord> {
    const now = opts.now ?? Date.now();
    const k = this.keys;
    const event: HyperqEvent = { type: "sweep.created", sweepId: opts.id, at: now };
    const created = await this.redis.hsetnx(k.sweep(opts.id), "spec", JSON.stringify(spec));
    if (!created) throw new Error(`sweep "${opts.id}" already exists`);
    const warm = opts.warmStart ? { warmFrom: opts.warmStart.from, warmCount: opts.warmStart.observations.length } : {};
    // The observations land in the same transaction that makes the sweep active: a coordinator never sees it without them.
    const tx = this.redis.multi();
    if (opts.warmStart) tx.set(k.observations(opts.id), JSON.stringify(opts.warmStart.observations));
    tx
      .hset(k.sweep(opts.id), { state: "running", createdAt: now, budget: opts.budget, created: 0, ...warm })
      .zadd(k.sweeps, now, opts.id)
      .sadd(k.active, opts.id);
    // The blob is reference-counted by its sweeps, so deleting one sweep keeps a shared file.
    if (spec.dataset.contentHash !== undefined) tx.sadd(k.blobRefs(spec.dataset.contentHash), opts.id);
    await tx.xadd(k.events, "MAXLEN", "~", this.maxEvents, "*", "e", JSON.stringify(event)).exec();
    const s = await this.getSweep(opts.id);
    if (!s) throw new Error(`sweep "${opts.id}" vanished after creation`);
    return s;
  }

  async observations(sweepId: string): Promise<WarmObservation[]> {
    const raw = await this.redis.get(this.keys.observations(sweepId));
    return raw ? (JSON.parse(raw) as WarmObservation[]) : [];
  }

  async extendSweep(id: string, budget: number, now = Date.now()): Promise<ExtendResult> {
    const k = this.keys;
    const extended = { type: "sweep.extended", sweepId: id, at: now, budget };
    const reopened: HyperqEvent = { type: "sweep.state", sweepId: id, at: now, state: "running" };
    const r = await this.lua.extendSweep([k.sweep(id), k.active, k.events], [budget, JSON.stringify(extended), JSON.stringify(reopened), this.maxEvents, id]);
    if (r < 0) return { ok: false, reason: reasonOf("extend-sweep", r, ["missing", "cancelled", "below-created", "nothing-to-run"]) };
    const record = await this.getSweep(id);
    if (!record) return { ok: false, reason: "missing" };
    return { ok: true, record, reopened: r === 2 };
  }

  async getSweep(id: string): Promise<SweepRecord | undefined> {
    return decodeSweep(id, await this.redis.hgetall(this.keys.sweep(id)));
  }

  async listSweeps(): Promise<SweepRecord[]> {
    const ids = await this.redis.zrevrange(this.keys.sweeps, 0, -1);
    const p = this.redis.pipeline();
    for (const id of ids) p.hgetall(this.keys.sweep(id));
    const res = (await p.exec()) ?? [];
    const out: SweepRecord[] = [];
    ids.forEach((id, i) => {
      const s = decodeSweep(id, (res[i]?.[1] ?? {}) as Record<string, string>);
      if (s) out.push(s);
    });
    return out;
  }

  activeSweepIds(): Promise<string[]> {
    return this.redis.smembers(this.keys.active);
  }

  async setSweepState(id: string, state: SweepState, now = Date.now()): Promise<boolean> {
    const k = this.keys;
    const event: HyperqEvent = { type: "sweep.state", sweepId: id, at: now, state };
    // One transition: a cancel also fails every waiting trial, with its events, in the same script.
    const r = await this.lua.setSweepState(
      [k.sweep(id), k.active, k.events, k.trialIndex(id)],
      [state, now, JSON.stringify(event), this.maxEvents, id, k.trialKeyPrefix(id)],
    );
    return r === ScriptCode.Ok;
  }

  async createTrial(sweepId: string, number: number, params: ParamAssignment, seed: number, now = Date.now()): Promise<TrialRecord> {
    const k = this.keys;
    const event: HyperqEvent = { type: "trial.created", sweepId, trial: number, at: now };
    await this.lua.createTrial(
      [k.trial(sweepId, number), k.sweep(sweepId), k.trialIndex(sweepId), k.events],
      [number, JSON.stringify(params), seed, now, JSON.stringify(event), this.maxEvents],
    );
    const t = await this.getTrial(sweepId, number);
    if (!t) throw new Error(`trial ${sweepId}#${number} vanished after creation`);
    return t;
  }

  async getTrial(sweepId: string, number: number): Promise<TrialRecord | undefined> {
    return decodeTrial(sweepId, number, await this.redis.hgetall(this.keys.trial(sweepId, number)));
  }

  private async trialsByNumber(sweepId: string, numbers: readonly number[]): Promise<TrialRecord[]> {
    const p = this.redis.pipeline();
    for (const n of numbers) p.hgetall(this.keys.trial(sweepId, n));
    const res = (await p.exec()) ?? [];
    const out: TrialRecord[] = [];
    numbers.forEach((n, i) => {
      const t = decodeTrial(sweepId, n, (res[i]?.[1] ?? {}) as Record<string, string>);
      if (t) out.push(t);
    });
    return out;
  }

  async listTrials(sweepId: string): Promise<TrialRecord[]> {
    const numbers = (await this.redis.zrange(this.keys.trialIndex(sweepId), 0, -1)).map(Number);
    return this.trialsByNumber(sweepId, numbers);
  }

  async trialsInState(sweepId: string, states: readonly TrialState[]): Promise<TrialRecord[]> {
    return (await this.listTrials(sweepId)).filter((t) => states.includes(t.state));
  }

  async epochs(sweepId: string, number: number): Promise<EpochReport[]> {
    const raw = await this.redis.lrange(this.keys.epochs(sweepId, number), 0, -1);
    return raw.map((r) => JSON.parse(r) as EpochReport);
  }

  async claimTrial(sweepId: string, number: number, owner: TrialOwner, now = Date.now()): Promise<ClaimResult> {
    const k = this.keys;
    const r = await this.lua.claimTrial(
      [k.trial(sweepId, number), k.sweep(sweepId), k.events],
      [owner.token, owner.workerId, now, sweepId, number, this.maxEvents],
    );
    if (r < 1) return { ok: false, reason: reasonOf("claim-trial", r, ["missing", "finished", "cancelled"]) };
    const record = await this.getTrial(sweepId, number);
    if (!record) return { ok: false, reason: "missing" };
    return { ok: true, attempt: r, record };
  }

  async reportEpoch(sweepId: string, number: number, token: string, report: EpochReport, now = Date.now()): Promise<EpochDecision> {
    const k = this.keys;
    const event: HyperqEvent = { type: "trial.epoch", sweepId, trial: number, at: now, report };
    const r = await this.lua.reportEpoch(
      [k.trial(sweepId, number), k.epochs(sweepId, number), k.sweep(sweepId), k.rung(sweepId, report.epoch), k.events],
      [token, JSON.stringify(report), report.epoch, Number.isFinite(report.valLoss) ? report.valLoss : "", JSON.stringify(event), this.maxEvents, number],
    );
    if (r === ScriptCode.Ok) return { decision: "continue" };
    return { decision: "stop", reason: reasonOf("report-epoch", r, ["pruned", "cancelled", "lost"]) };
  }

  private async finish(
    sweepId: string,
    number: number,
    state: "complete" | "failed" | "pruned",
    token: string | null,
    now: number,
    extra: { metrics?: TrialMetrics; reason?: string },
  ): Promise<boolean> {
    const k = this.keys;
    const r = await this.lua.finishTrial(
      [k.trial(sweepId, number), k.sweep(sweepId), k.leaderboard(sweepId), k.prunedBoard(sweepId), k.events, k.active],
      [
        state,
        token ?? "",
        now,
        extra.metrics ? JSON.stringify(extra.metrics) : "",
        extra.reason ?? "",
        extra.metrics ? extra.metrics.valLoss : "",
        sweepId,
        number,
        this.maxEvents,
      ],
    );
    // A finished trial needs no checkpoint, whoever finished it (its worker, or the coordinator).
    const done = r === ScriptCode.Ok;
    if (done) await this.redis.del(k.checkpoint(sweepId, number));
    return done;
  }

  async completeTrial(sweepId: string, number: number, token: string, metrics: TrialMetrics, now = Date.now()): Promise<boolean> {
    if (!Number.isFinite(metrics.valLoss)) throw new Error(`completeTrial needs a finite valLoss, got ${metrics.valLoss}; fail the trial instead`);
    return this.finish(sweepId, number, "complete", token, now, { metrics });
  }

  async failTrial(sweepId: string, number: number, token: string | null, reason: string, now = Date.now()): Promise<boolean> {
    return this.finish(sweepId, number, "failed", token, now, { reason });
  }

  async releaseTrial(sweepId: string, number: number, token: string): Promise<boolean> {
    return (await this.lua.releaseTrial([this.keys.trial(sweepId, number), this.keys.sweep(sweepId)], [token])) === ScriptCode.Ok;
  }

  async pruneTrial(sweepId: string, number: number, token: string, reason: string, now = Date.now()): Promise<boolean> {
    return this.finish(sweepId, number, "pruned", token, now, { reason });
  }

  async decideTrial(sweepId: string, number: number, epoch: number, decision: { prune: boolean; reason?: string }): Promise<boolean> {
    const args: [number, "1" | "0", string] = [epoch, decision.prune ? "1" : "0", decision.reason ?? "pruned"];
    return (await this.lua.decideTrial([this.keys.trial(sweepId, number)], args)) === ScriptCode.Ok;
  }

  async trialDecision(sweepId: string, number: number): Promise<{ epoch: number; prune?: string }> {
    const [epoch, prune] = await this.redis.hmget(this.keys.trial(sweepId, number), "decidedEpoch", "prune");
    return prune ? { epoch: Number(epoch ?? 0), prune } : { epoch: Number(epoch ?? 0) };
  }

  async leaderboard(sweepId: string, query: LeaderboardQuery = {}): Promise<LeaderboardPage> {
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.max(0, query.limit ?? 50);
    const states = query.states ?? ["complete", "pruned"];
    const zsets = states.map((s) => (s === "complete" ? this.keys.leaderboard(sweepId) : this.keys.prunedBoard(sweepId)));
    const sizes = await Promise.all(zsets.map((z) => this.redis.zcard(z)));
    const total = sizes.reduce((a, b) => a + b, 0);
    const numbers: number[] = [];
    let skip = offset;
    for (let i = 0; i < zsets.length && numbers.length < limit; i++) {
      const size = sizes[i] ?? 0;
      if (skip >= size) {
        skip -= size;
        continue;
      }
      const want = limit - numbers.length;
      const got = await this.redis.zrange(zsets[i] as string, skip, skip + want - 1);
      numbers.push(...got.map(Number));
      skip = 0;
    }
    return { total, rows: await this.trialsByNumber(sweepId, numbers) };
  }

  async appendEvent(event: HyperqEvent): Promise<string> {
    const id = await this.redis.xadd(this.keys.events, "MAXLEN", "~", this.maxEvents, "*", "e", JSON.stringify(event));
    return id ?? "";
  }

  async readEvents(afterId: string, opts: { blockMs?: number; count?: number } = {}): Promise<StoredEvent[]> {
    const count = opts.count ?? 1000;
    let res: [string, [string, string[]][]][] | null;
    if (opts.blockMs !== undefined) {
      // A blocking read holds its connection: use a dedicated one.
      if (!this.blockingClient) {
        this.blockingClient = this.redis.duplicate();
        // Connection errors (Redis restarting) go where the main connection's go, if anywhere.
        this.blockingClient.on("error", (e: Error) => {
          if (this.redis.listenerCount("error") > 0) this.redis.emit("error", e);
        });
      }
      res = (await this.blockingClient.xread("COUNT", count, "BLOCK", opts.blockMs, "STREAMS", this.keys.events, afterId)) as typeof res;
    } else {
      res = (await this.redis.xread("COUNT", count, "STREAMS", this.keys.events, afterId)) as typeof res;
    }
    const entries = res?.[0]?.[1] ?? [];
    const out: StoredEvent[] = [];
    for (const [id, fields] of entries) {
      const i = fields.indexOf("e");
      const json = i >= 0 ? fields[i + 1] : undefined;
      if (json) out.push({ ...(JSON.parse(json) as HyperqEvent), id });
    }
    return out;
  }

  /** The id of the newest event ("0-0" when none): read after it to get only new events. */
  async lastEventId(): Promise<string> {
    const r = await this.redis.xrevrange(this.keys.events, "+", "-", "COUNT", 1);
    return r[0]?.[0] ?? "0-0";
  }

  /** Per epoch, each trial's best validation loss up to that epoch (for pruners). */
  async rung(sweepId: string, epoch: number): Promise<Map<number, number>> {
    const raw = await this.redis.hgetall(this.keys.rung(sweepId, epoch));
    return new Map(Object.entries(raw).map(([k, v]) => [Number(k), Number(v)]));
  }

  async deleteSweep(id: string): Promise<DeleteSweepResult> {
    const k = this.keys;
    const sweep = await this.getSweep(id);
    if (!sweep) return { ok: false, reason: "missing" };
    if (sweep.state === "running" || sweep.state === "paused") return { ok: false, reason: "active", state: sweep.state };
    if (sweep.counts.running > 0) return { ok: false, reason: "running-trials", running: sweep.counts.running };
    // A finished sweep with no running trial writes no more events: they can go first, in pages.
    const events = await this.deleteEvents(id);
    const hash = sweep.spec.dataset.contentHash;
    const trialPrefix = k.trial(id, 0).slice(0, -1);
    if (k.epochs(id, 0) !== `${trialPrefix}0:epochs` || k.checkpoint(id, 0) !== `${trialPrefix}0:checkpoint`) {
      throw new Error("delete-sweep.lua assumes `<trial key>:epochs` and `<trial key>:checkpoint`");
    }
    const [code, second, third] = await this.lua.deleteSweep(
      [
        k.sweep(id),
        k.sweeps,
        k.active,
        k.trialIndex(id),
        k.leaderboard(id),
        k.lease(id),
        k.blob(hash ?? ""),
        k.blobRefs(hash ?? ""),
        k.observations(id),
        k.models(id),
        k.modelData(id),
        k.prunedBoard(id),
      ],
      [id, trialPrefix, `${k.rungs(id)}:`, sweep.spec.epochs, hash === undefined ? 0 : 1],
    );
    if (Number(code) < 0) {
      const reason = reasonOf("delete-sweep", code, ["missing", "active", "running-trials"]);
      if (reason === "missing") return { ok: false, reason };
      if (reason === "active") return { ok: false, reason, state: String(second) as SweepState };
      return { ok: false, reason, running: Number(second) };
    }
    const out: DeleteSweepResult = { ok: true, trials: Number(code), events };
    if (hash !== undefined) out.blob = second === 1 ? { hash, removed: true } : { hash, removed: false, sharedWith: Number(third) };
    return out;
  }

  /** Removes a sweep's events from the stream, scanning it in pages; returns how many. */
  private async deleteEvents(sweepId: string): Promise<number> {
    const needle = `"sweepId":${JSON.stringify(sweepId)}`;
    let start = "-";
    let removed = 0;
    for (;;) {
      const page = await this.redis.xrange(this.keys.events, start, "+", "COUNT", 1000);
      const ids = page.filter(([, fields]) => (fields[fields.indexOf("e") + 1] ?? "").includes(needle)).map(([eid]) => eid);
      if (ids.length) removed += await this.redis.xdel(this.keys.events, ...ids);
      const last = page[page.length - 1];
      if (page.length < 1000 || !last) return removed;
      start = `(${last[0]}`;
    }
  }

  async putModel(sweepId: string, number: number, token: string, model: StoredModel): Promise<PutModelResult> {
    const k = this.keys;
    const weights = Buffer.from(model.weights.buffer, model.weights.byteOffset, model.weights.byteLength);
    const r = await this.lua.putModel(
      [k.trial(sweepId, number), k.sweep(sweepId), k.leaderboard(sweepId), k.models(sweepId), k.modelData(sweepId)],
      [number, token, JSON.stringify(model.manifest), weights, DEFAULT_KEEP_MODELS],
    );
    if (r[0] === ScriptCode.Ok) return { kept: true, evicted: r.slice(1).map(Number) };
    return { kept: false, reason: reasonOf("put-model", r[0], ["not-in-top", "refused"]) };
  }

  async getModel(sweepId: string, number: number): Promise<StoredModel | undefined> {
    const [manifest, weights] = await this.redis.hmgetBuffer(this.keys.modelData(sweepId), `${number}:manifest`, `${number}:weights`);
    if (!manifest || !weights) return undefined;
    return { manifest: JSON.parse(manifest.toString("utf8")) as StoredModel["manifest"], weights: new Uint8Array(weights.buffer, weights.byteOffset, weights.byteLength) };
  }

  async listModels(sweepId: string): Promise<KeptModel[]> {
    const flat = await this.redis.zrange(this.keys.models(sweepId), 0, -1, "WITHSCORES");
    const p = this.redis.pipeline();
    for (let i = 0; i < flat.length; i += 2) {
      p.hstrlen(this.keys.modelData(sweepId), `${flat[i]}:manifest`);
      p.hstrlen(this.keys.modelData(sweepId), `${flat[i]}:weights`);
    }
    const sizes = ((await p.exec()) ?? []).map((r) => Number(r[1] ?? 0));
    const out: KeptModel[] = [];
    for (let i = 0; i < flat.length; i += 2) {
      out.push({ trial: Number(flat[i]), valLoss: Number(flat[i + 1]), bytes: (sizes[i] ?? 0) + (sizes[i + 1] ?? 0) });
    }
    return out;
  }

  async putCheckpoint(sweepId: string, number: number, token: string, state: Uint8Array): Promise<boolean> {
    const bytes = Buffer.from(state.buffer, state.byteOffset, state.byteLength);
    return (await this.lua.putCheckpoint([this.keys.trial(sweepId, number), this.keys.checkpoint(sweepId, number)], [token, bytes, CHECKPOINT_TTL_MS])) === ScriptCode.Ok;
  }

  async getCheckpoint(sweepId: string, number: number): Promise<Uint8Array | undefined> {
    const b = await this.redis.getBuffer(this.keys.checkpoint(sweepId, number));
    return b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : undefined;
  }

  async deleteCheckpoint(sweepId: string, number: number): Promise<void> {
    await this.redis.del(this.keys.checkpoint(sweepId, number));
  }

  async putBlob(hash: string, text: string): Promise<void> {
    await this.redis.set(this.keys.blob(hash), text);
  }

  async getBlob(hash: string): Promise<string | undefined> {
    return (await this.redis.get(this.keys.blob(hash))) ?? undefined;
  }

  async acquireLease(sweepId: string, owner: string, ttlMs: number): Promise<boolean> {
    return (await this.lua.acquireLease([this.keys.lease(sweepId)], [owner, ttlMs])) === ScriptCode.Ok;
  }

  async releaseLease(sweepId: string, owner: string): Promise<void> {
    await this.lua.releaseLease([this.keys.lease(sweepId)], [owner]);
  }

  async announceWorker(info: WorkerInfo): Promise<void> {
    await this.redis.hset(this.keys.workers, info.id, JSON.stringify(info));
  }

  async removeWorker(id: string): Promise<void> {
    await this.redis.multi().hdel(this.keys.workers, id).srem(this.keys.workerStops, id).exec();
  }

  async requestWorkerStop(id: string): Promise<boolean> {
    if (!(await this.redis.hexists(this.keys.workers, id))) return false;
    await this.redis.sadd(this.keys.workerStops, id);
    return true;
  }

  async workerStopRequested(id: string): Promise<boolean> {
    return (await this.redis.sismember(this.keys.workerStops, id)) === 1;
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    const all = await this.redis.hgetall(this.keys.workers);
    return Object.values(all)
      .map((v) => JSON.parse(v) as WorkerInfo)
      .sort((a, b) => a.id.localeCompare(b.id));
  }

  async ping(timeoutMs = 2000): Promise<void> {
    // A command sent while disconnected waits in ioredis' offline queue for a reconnection.
    if (this.redis.status !== "ready") throw new Error(`no connection to Redis (${this.redis.status})`);
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`Redis did not answer PING within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      await Promise.race([this.redis.ping(), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    if (this.blockingClient) this.blockingClient.disconnect();
  }
}

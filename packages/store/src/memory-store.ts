import type {
  EpochReport,
  HyperqEvent,
  ParamAssignment,
  StoredEvent,
  SweepSpec,
  SweepState,
  TrialMetrics,
  TrialRecord,
  TrialState,
} from "@hyperq/protocol";
import { TRIAL_STATES } from "@hyperq/protocol";
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
import { DEFAULT_KEEP_MODELS } from "./models.ts";

interface MemTrial {
  record: TrialRecord;
  owner?: string;
  prune?: string;
  decidedEpoch?: number;
  epochs: EpochReport[];
}
interface MemSweep {
  record: SweepRecord;
  trials: Map<number, MemTrial>;
  rungs: Map<number, Map<number, number>>;
  observations: WarmObservation[];
}

const clone = <T>(v: T): T => structuredClone(v);

/**
 * The SweepStore in one process's memory, with the same semantics as the Redis store (the shared
 * contract suite runs against both). For unit tests and single-process experiments.
 */
export class MemorySweepStore implements SweepStore {
  private readonly sweeps = new Map<string, MemSweep>();
  private readonly events: StoredEvent[] = [];
  private readonly blobs = new Map<string, string>();
  /** Blob hash → ids of the sweeps created with it. */
  private readonly blobRefs = new Map<string, Set<string>>();
  private readonly leases = new Map<string, { owner: string; until: number }>();
  private readonly workers = new Map<string, WorkerInfo>();
  private readonly stopRequests = new Set<string>();
  /** `${sweepId}#${n}` → the trial's last training checkpoint. */
  private readonly checkpoints = new Map<string, Uint8Array>();
  /** Per sweep: trial → its kept model and loss. */
  private readonly models = new Map<string, Map<number, { valLoss: number; model: StoredModel }>>();
  private seq = 0;
  private waiters: (() => void)[] = [];

  private emit(event: HyperqEvent): string {
    const id = `${++this.seq}-0`;
    this.events.push({ ...event, id });
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
    return id;
  }

  private sweep(id: string): MemSweep | undefined {
    return this.sweeps.get(id);
  }

  async createSweep(spec: SweepSpec, opts: { id: string; budget: number; now?: number; warmStart?: WarmStart }): Promise<SweepRecord> {
    if (this.sweeps.has(opts.id)) throw new Error(`sweep "${opts.id}" already exists`);
    const now = opts.now ?? Date.now();
    const counts = Object.fromEntries(TRIAL_STATES.map((s) => [s, 0])) as Record<TrialState, number>;
    const record: SweepRecord = { id: opts.id, name: spec.name, spec: clone(spec), state: "running", createdAt: now, budget: opts.budget, created: 0, counts };
    if (opts.warmStart) record.warmStart = { from: opts.warmStart.from, observations: opts.warmStart.observations.length };
    this.sweeps.set(opts.id, { record, trials: new Map(), rungs: new Map(), observations: clone(opts.warmStart?.observations ?? []) });
    const hash = spec.dataset.contentHash;
    if (hash !== undefined) this.blobRefs.set(hash, (this.blobRefs.get(hash) ?? new Set()).add(opts.id));
    this.emit({ type: "sweep.created", sweepId: opts.id, at: now });
    return clone(record);
  }

  async observations(sweepId: string): Promise<WarmObservation[]> {
    return clone(this.sweep(sweepId)?.observations ?? []);
  }

  async extendSweep(id: string, budget: number, now = Date.now()): Promise<ExtendResult> {
    const s = this.sweep(id);
    if (!s) return { ok: false, reason: "missing" };
    const r = s.record;
    if (r.state === "cancelled") return { ok: false, reason: "cancelled" };
    if (budget < r.created) return { ok: false, reason: "below-created" };
    if (r.state === "complete" && budget <= r.created) return { ok: false, reason: "nothing-to-run" };
    const previous = r.budget;
    r.budget = budget;
    this.emit({ type: "sweep.extended", sweepId: id, at: now, budget, previous });
    const reopened = r.state === "complete";
    if (reopened) {
      r.state = "running";
      delete r.finishedAt;
      this.emit({ type: "sweep.state", sweepId: id, at: now, state: "running" });
    }
    return { ok: true, record: clone(r), reopened };
  }

  async getSweep(id: string): Promise<SweepRecord | undefined> {
    const s = this.sweep(id);
    return s ? clone(s.record) : undefined;
  }

  async listSweeps(): Promise<SweepRecord[]> {
    return [...this.sweeps.values()].map((s) => clone(s.record)).sort((a, b) => b.createdAt - a.createdAt || b.id.localeCompare(a.id));
  }

  async activeSweepIds(): Promise<string[]> {
    return [...this.sweeps.values()].filter((s) => s.record.state === "running" || s.record.state === "paused").map((s) => s.record.id);
  }

  async setSweepState(id: string, state: SweepState, now = Date.now()): Promise<boolean> {
    const s = this.sweep(id);
    if (!s) return false;
    const cur = s.record.state;
    if (cur === state || (cur !== "running" && cur !== "paused")) return false;
    s.record.state = state;
    if (state === "complete" || state === "cancelled") s.record.finishedAt = now;
    this.emit({ type: "sweep.state", sweepId: id, at: now, state });
    if (state === "cancelled") {
      // In trial-number order, as the Redis store's script does.
      const waiting = [...s.trials.values()].filter((t) => t.record.state === "waiting").sort((a, b) => a.record.number - b.record.number);
      for (const t of waiting) this.finish(s, t, "failed", now, { reason: "cancelled" });
    }
    return true;
  }

  async createTrial(sweepId: string, number: number, params: ParamAssignment, seed: number, now = Date.now()): Promise<TrialRecord> {
    const s = this.sweep(sweepId);
    if (!s) throw new Error(`no sweep "${sweepId}"`);
    const existing = s.trials.get(number);
    if (existing) return clone(existing.record);
    const record: TrialRecord = { sweepId, number, state: "waiting", seed, params: clone(params), createdAt: now, attempts: 0, epochsReported: 0 };
    s.trials.set(number, { record, epochs: [] });
    s.record.counts.waiting++;
    s.record.created = Math.max(s.record.created, number + 1);
    this.emit({ type: "trial.created", sweepId, trial: number, at: now });
    return clone(record);
  }

  async getTrial(sweepId: string, number: number): Promise<TrialRecord | undefined> {
    const t = this.sweep(sweepId)?.trials.get(number);
    return t ? clone(t.record) : undefined;
  }

  async listTrials(sweepId: string): Promise<TrialRecord[]> {
    const s = this.sweep(sweepId);
    if (!s) return [];
    return [...s.trials.values()].map((t) => clone(t.record)).sort((a, b) => a.number - b.number);
  }

  async trialsInState(sweepId: string, states: readonly TrialState[]): Promise<TrialRecord[]> {
    return (await this.listTrials(sweepId)).filter((t) => states.includes(t.state));
  }

  async epochs(sweepId: string, number: number): Promise<EpochReport[]> {
    return clone(this.sweep(sweepId)?.trials.get(number)?.epochs ?? []);
  }

  async claimTrial(sweepId: string, number: number, owner: TrialOwner, now = Date.now()): Promise<ClaimResult> {
    const s = this.sweep(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t) return { ok: false, reason: "missing" };
    const r = t.record;
    if (r.state !== "waiting" && r.state !== "running") return { ok: false, reason: "finished" };
    if (s.record.state === "cancelled") return { ok: false, reason: "cancelled" };
    r.attempts++;
    if (r.state === "waiting") {
      s.record.counts.waiting--;
      s.record.counts.running++;
      r.startedAt = now;
    }
    r.state = "running";
    r.workerId = owner.workerId;
    r.epochsReported = 0;
    delete r.bestValLoss;
    t.owner = owner.token;
    delete t.decidedEpoch;
    this.emit({ type: "trial.started", sweepId, trial: number, at: now, workerId: owner.workerId, attempt: r.attempts });
    return { ok: true, attempt: r.attempts, record: clone(r) };
  }

  async reportEpoch(sweepId: string, number: number, token: string, report: EpochReport, now = Date.now()): Promise<EpochDecision> {
    const s = this.sweep(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t || t.record.state !== "running" || t.owner !== token) return { decision: "stop", reason: "lost" };
    const r = t.record;
    if (report.epoch <= r.epochsReported) return t.prune ? { decision: "stop", reason: "pruned" } : { decision: "continue" };
    if (report.epoch === 1) t.epochs = [];
    t.epochs.push(clone(report));
    r.epochsReported = report.epoch;
    if (Number.isFinite(report.valLoss) && (r.bestValLoss === undefined || report.valLoss < r.bestValLoss)) r.bestValLoss = report.valLoss;
    if (r.bestValLoss !== undefined) {
      let rung = s.rungs.get(report.epoch);
      if (!rung) s.rungs.set(report.epoch, (rung = new Map()));
      rung.set(number, r.bestValLoss);
    }
    this.emit({ type: "trial.epoch", sweepId, trial: number, at: now, report: clone(report) });
    if (s.record.state === "cancelled") return { decision: "stop", reason: "cancelled" };
    if (t.prune) return { decision: "stop", reason: "pruned" };
    return { decision: "continue" };
  }

  private finish(s: MemSweep, t: MemTrial, state: "complete" | "failed" | "pruned", now: number, extra: { metrics?: TrialMetrics; reason?: string }): void {
    const r = t.record;
    this.checkpoints.delete(`${r.sweepId}#${r.number}`);
    s.record.counts[r.state]--;
    s.record.counts[state]++;
    r.state = state;
    r.finishedAt = now;
    // A pruned trial keeps the pruner's reason, followed by the worker's words.
    const reason = state === "pruned" && t.prune ? (extra.reason ? `${t.prune}; ${extra.reason}` : t.prune) : extra.reason;
    delete t.prune;
    if (reason) r.reason = reason;
    const event: HyperqEvent = { type: "trial.finished", sweepId: r.sweepId, trial: r.number, at: now, state };
    if (reason) event.reason = reason;
    if (state === "complete" && extra.metrics) {
      r.metrics = clone(extra.metrics);
      event.valLoss = extra.metrics.valLoss;
      const best = s.record.best;
      if (!best || extra.metrics.valLoss < best.valLoss) s.record.best = { trial: r.number, valLoss: extra.metrics.valLoss };
    } else if (state === "pruned" && r.bestValLoss !== undefined) {
      event.valLoss = r.bestValLoss;
    }
    this.emit(event);
  }

  private finishChecked(sweepId: string, number: number, state: "complete" | "failed" | "pruned", token: string | null, now: number, extra: { metrics?: TrialMetrics; reason?: string }): boolean {
    const s = this.sweep(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t) return false;
    const cur = t.record.state;
    if (cur !== "running" && cur !== "waiting") return false;
    if (token !== null && (cur !== "running" || t.owner !== token)) return false;
    this.finish(s, t, state, now, extra);
    return true;
  }

  async completeTrial(sweepId: string, number: number, token: string, metrics: TrialMetrics, now = Date.now()): Promise<boolean> {
    if (!Number.isFinite(metrics.valLoss)) throw new Error(`completeTrial needs a finite valLoss, got ${metrics.valLoss}; fail the trial instead`);
    return this.finishChecked(sweepId, number, "complete", token, now, { metrics });
  }

  async failTrial(sweepId: string, number: number, token: string | null, reason: string, now = Date.now()): Promise<boolean> {
    return this.finishChecked(sweepId, number, "failed", token, now, { reason });
  }

  async releaseTrial(sweepId: string, number: number, token: string): Promise<boolean> {
    const s = this.sweep(sweepId);
    const t = s?.trials.get(number);
    if (!s || !t || t.record.state !== "running" || t.owner !== token) return false;
    t.record.state = "waiting";
    delete t.owner;
    delete t.prune;
    s.record.counts.running--;
    s.record.counts.waiting++;
    return true;
  }

  async pruneTrial(sweepId: string, number: number, token: string, reason: string, now = Date.now()): Promise<boolean> {
    return this.finishChecked(sweepId, number, "pruned", token, now, { reason });
  }

  async decideTrial(sweepId: string, number: number, epoch: number, decision: { prune: boolean; reason?: string }): Promise<boolean> {
    const t = this.sweep(sweepId)?.trials.get(number);
    if (!t || t.record.state !== "running") return false;
    t.decidedEpoch = Math.max(t.decidedEpoch ?? 0, epoch);
    if (decision.prune) t.prune = decision.reason ?? "pruned";
    return true;
  }

  async trialDecision(sweepId: string, number: number): Promise<{ epoch: number; prune?: string }> {
    const t = this.sweep(sweepId)?.trials.get(number);
    const epoch = t?.decidedEpoch ?? 0;
    return t?.prune ? { epoch, prune: t.prune } : { epoch };
  }

  async leaderboard(sweepId: string, query: LeaderboardQuery = {}): Promise<LeaderboardPage> {
    const offset = Math.max(0, query.offset ?? 0);
    const limit = Math.max(0, query.limit ?? 50);
    const states = query.states ?? ["complete", "pruned"];
    const all = await this.listTrials(sweepId);
    const score = (t: TrialRecord) => (t.state === "complete" ? (t.metrics?.valLoss ?? Infinity) : (t.bestValLoss ?? Infinity));
    const ranked: TrialRecord[] = [];
    for (const st of states) {
      ranked.push(...all.filter((t) => t.state === st).sort((a, b) => score(a) - score(b) || String(a.number).localeCompare(String(b.number))));
    }
    return { total: ranked.length, rows: ranked.slice(offset, offset + limit) };
  }

  async appendEvent(event: HyperqEvent): Promise<string> {
    return this.emit(clone(event));
  }

  async readEvents(afterId: string, opts: { blockMs?: number; count?: number } = {}): Promise<StoredEvent[]> {
    const after = afterId === "$" ? this.seq : Number(afterId.split("-")[0] ?? 0);
    const pick = () => this.events.filter((e) => Number(e.id.split("-")[0]) > after).slice(0, opts.count ?? 1000);
    let out = pick();
    if (out.length === 0 && opts.blockMs !== undefined) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, opts.blockMs);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
      out = pick();
    }
    return clone(out);
  }

  async lastEventId(): Promise<string> {
    return this.seq === 0 ? "0-0" : `${this.seq}-0`;
  }

  async rung(sweepId: string, epoch: number): Promise<Map<number, number>> {
    return new Map(this.sweep(sweepId)?.rungs.get(epoch) ?? []);
  }

  async deleteSweep(id: string): Promise<DeleteSweepResult> {
    const s = this.sweep(id);
    if (!s) return { ok: false, reason: "missing" };
    const { state, counts } = s.record;
    if (state === "running" || state === "paused") return { ok: false, reason: "active", state };
    if (counts.running > 0) return { ok: false, reason: "running-trials", running: counts.running };
    this.sweeps.delete(id);
    this.leases.delete(id);
    this.models.delete(id);
    for (const n of s.trials.keys()) this.checkpoints.delete(`${id}#${n}`);
    const before = this.events.length;
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]?.sweepId === id) this.events.splice(i, 1);
    const out: DeleteSweepResult = { ok: true, trials: s.trials.size, events: before - this.events.length };
    const hash = s.record.spec.dataset.contentHash;
    if (hash !== undefined) {
      const refs = this.blobRefs.get(hash);
      const was = refs?.delete(id) ?? false;
      if (was && refs?.size === 0) {
        this.blobs.delete(hash);
        this.blobRefs.delete(hash);
        out.blob = { hash, removed: true };
      } else out.blob = { hash, removed: false, sharedWith: refs?.size ?? 0 };
    }
    return out;
  }

  async putModel(sweepId: string, number: number, token: string, model: StoredModel): Promise<PutModelResult> {
    const s = this.sweep(sweepId);
    const t = s?.trials.get(number);
    const valLoss = t?.record.metrics?.valLoss;
    if (!s || !t || t.record.state !== "complete" || t.owner !== token || valLoss === undefined) return { kept: false, reason: "refused" };
    const keep = (s.record.spec as { keepModels?: number }).keepModels ?? DEFAULT_KEEP_MODELS;
    if (keep <= 0) return { kept: false, reason: "not-in-top" };
    const kept = this.models.get(sweepId) ?? new Map<number, { valLoss: number; model: StoredModel }>();
    this.models.set(sweepId, kept);
    kept.set(number, { valLoss, model: { manifest: clone(model.manifest), weights: new Uint8Array(model.weights) } });
    const ranked = [...kept.entries()].sort(([a, x], [b, y]) => x.valLoss - y.valLoss || String(a).localeCompare(String(b)));
    const evicted = ranked.slice(keep).map(([m]) => m);
    for (const m of evicted) kept.delete(m);
    if (evicted.includes(number)) return { kept: false, reason: "not-in-top" };
    return { kept: true, evicted };
  }

  async getModel(sweepId: string, number: number): Promise<StoredModel | undefined> {
    const m = this.models.get(sweepId)?.get(number);
    return m ? { manifest: clone(m.model.manifest), weights: new Uint8Array(m.model.weights) } : undefined;
  }

  async listModels(sweepId: string): Promise<KeptModel[]> {
    return [...(this.models.get(sweepId)?.entries() ?? [])]
      .sort(([a, x], [b, y]) => x.valLoss - y.valLoss || String(a).localeCompare(String(b)))
      .map(([trial, m]) => ({ trial, valLoss: m.valLoss, bytes: Buffer.byteLength(JSON.stringify(m.model.manifest)) + m.model.weights.byteLength }));
  }

  async putCheckpoint(sweepId: string, number: number, token: string, state: Uint8Array): Promise<boolean> {
    const t = this.sweep(sweepId)?.trials.get(number);
    if (!t || t.record.state !== "running" || t.owner !== token) return false;
    this.checkpoints.set(`${sweepId}#${number}`, new Uint8Array(state));
    return true;
  }

  async getCheckpoint(sweepId: string, number: number): Promise<Uint8Array | undefined> {
    const c = this.checkpoints.get(`${sweepId}#${number}`);
    return c ? new Uint8Array(c) : undefined;
  }

  async deleteCheckpoint(sweepId: string, number: number): Promise<void> {
    this.checkpoints.delete(`${sweepId}#${number}`);
  }

  async putBlob(hash: string, text: string): Promise<void> {
    this.blobs.set(hash, text);
  }

  async getBlob(hash: string): Promise<string | undefined> {
    return this.blobs.get(hash);
  }

  async acquireLease(sweepId: string, owner: string, ttlMs: number): Promise<boolean> {
    const cur = this.leases.get(sweepId);
    const now = Date.now();
    if (cur && cur.until > now && cur.owner !== owner) return false;
    this.leases.set(sweepId, { owner, until: now + ttlMs });
    return true;
  }

  async releaseLease(sweepId: string, owner: string): Promise<void> {
    if (this.leases.get(sweepId)?.owner === owner) this.leases.delete(sweepId);
  }

  async announceWorker(info: WorkerInfo): Promise<void> {
    this.workers.set(info.id, clone(info));
  }

  async removeWorker(id: string): Promise<void> {
    this.workers.delete(id);
    this.stopRequests.delete(id);
  }

  async requestWorkerStop(id: string): Promise<boolean> {
    if (!this.workers.has(id)) return false;
    this.stopRequests.add(id);
    return true;
  }

  async workerStopRequested(id: string): Promise<boolean> {
    return this.stopRequests.has(id);
  }

  async listWorkers(): Promise<WorkerInfo[]> {
    return [...this.workers.values()].map(clone).sort((a, b) => a.id.localeCompare(b.id));
  }

  async ping(): Promise<void> {}

  async close(): Promise<void> {}
}

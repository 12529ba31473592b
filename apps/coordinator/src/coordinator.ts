import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import {
  deriveTrialSeed,
  resolveHyperparams,
  silentLogger,
  type Logger,
  type StoredEvent,
  type TrialPayload,
  type TrialRecord,
} from "@hyperq/protocol";
import { createPruner, createSampler, type Observation, type Pruner, type Sampler, type TrialView } from "@hyperq/search";
import { SweepView, finishedCount, inFlightCount, type SweepRecord, type SweepStore } from "@hyperq/store";
import type { TrialQueue } from "./trial-queue.ts";

export interface CoordinatorOptions {
  store: SweepStore;
  queue: TrialQueue;
  log?: Logger;
  /** Identifies this coordinator in sweep leases. @defaultValue host:pid:random */
  id?: string;
  /** A sweep's lease lasts this long without renewal. @defaultValue 15000 */
  leaseMs?: number;
  /** Longest wait for an event before re-checking every sweep. @defaultValue 1000 */
  idleMs?: number;
  /** How often in-flight trials are checked against their BullMQ jobs. @defaultValue 2000 */
  reconcileMs?: number;
}

/** A sampler's view of a stored trial. */
export function toTrialView(t: TrialRecord): TrialView {
  const v: TrialView = { number: t.number, state: t.state, params: t.params };
  if (t.metrics) v.value = t.metrics.valLoss;
  if (t.bestValLoss !== undefined) v.intermediate = t.bestValLoss;
  return v;
}

/**
 * Drives every active sweep: keeps `parallelism` trials in flight, asks the sampler (given every
 * finished and pending trial) for new ones, records and enqueues them, notices trials whose jobs
 * failed for good, and finishes sweeps whose budget is spent. All state lives in the store: a
 * restarted coordinator picks up where the last one stopped; a lease per sweep keeps two
 * coordinators from driving the same sweep.
 */
export class Coordinator {
  readonly id: string;
  private readonly store: SweepStore;
  private readonly queue: TrialQueue;
  private readonly log: Logger;
  private readonly leaseMs: number;
  private readonly idleMs: number;
  private readonly reconcileMs: number;
  /** Per sweep, its sampler and the warm start's observations (read once: they never change). */
  private readonly samplers = new Map<string, { sampler: Sampler; observations: Observation[] }>();
  private readonly pruners = new Map<string, Pruner>();
  private readonly lastReconcile = new Map<string, number>();
  private readonly held = new Set<string>();
  private readonly exhausted = new Set<string>();
  /**
   * The event stream and the trials of the sweeps this coordinator drives: a pass re-reads only the
   * trials events named. The whole sweep is re-read at each reconcile, on taking a lease, and after
   * a failed pass.
   */
  private readonly view: SweepView;
  private stopping = false;
  private loop: Promise<void> | undefined;
  private lastPass: number | undefined;

  constructor(opts: CoordinatorOptions) {
    this.store = opts.store;
    this.queue = opts.queue;
    this.log = opts.log ?? silentLogger;
    this.id = opts.id ?? `coordinator:${hostname()}:${process.pid}:${randomBytes(2).toString("hex")}`;
    this.leaseMs = opts.leaseMs ?? 15_000;
    this.idleMs = opts.idleMs ?? 1000;
    this.reconcileMs = opts.reconcileMs ?? 2000;
    this.view = new SweepView(this.store);
  }

  start(): void {
    this.loop ??= this.run();
  }

  /** When the loop last completed a pass (ms since epoch); undefined before the first or once stopped. For readiness checks. */
  get lastPassAt(): number | undefined {
    return this.stopping ? undefined : this.lastPass;
  }

  /** Stops after the current pass and gives back every lease. */
  async stop(): Promise<void> {
    this.stopping = true;
    await this.loop;
    for (const id of this.held) await this.store.releaseLease(id, this.id).catch(() => undefined);
    this.held.clear();
  }

  private async run(): Promise<void> {
    this.log.info({ coordinator: this.id }, "coordinator started");
    await this.view.ready();
    while (!this.stopping) {
      try {
        await this.tick();
        const events = await this.view.next({ blockMs: this.idleMs, count: 10_000 });
        await this.observe(events);
        this.lastPass = Date.now();
      } catch (e) {
        this.view.invalidate();
        this.log.error({ err: (e as Error).message }, "coordinator pass failed; retrying");
        await new Promise((r) => setTimeout(r, 500));
      }
    }
    this.log.info({ coordinator: this.id }, "coordinator stopped");
  }

  private async observe(events: readonly StoredEvent[]): Promise<void> {
    for (const e of events) {
      if (e.type === "sweep.state" && (e.state === "complete" || e.state === "cancelled")) {
        this.view.forget(e.sweepId);
        this.samplers.delete(e.sweepId);
        this.pruners.delete(e.sweepId);
        if (e.state === "cancelled" && this.held.has(e.sweepId)) await this.dropQueuedJobs(e.sweepId);
      } else if (e.type === "trial.epoch") {
        await this.maybePrune(e.sweepId, e.trial, e.report.epoch);
      }
    }
  }

  /** A cancelled sweep's trials that never started leave the queue (the store already failed them). */
  private async dropQueuedJobs(sweepId: string): Promise<void> {
    const dropped = (await this.store.listTrials(sweepId)).filter((t) => t.attempts === 0 && (t.state === "waiting" || t.state === "failed"));
    await Promise.all(dropped.map((t) => this.queue.removeWaiting(sweepId, t.number)));
    if (dropped.length) this.log.info({ sweepId, jobs: dropped.length }, "removed a cancelled sweep's queued trials");
  }

  /**
   * Applies the sweep's pruner to an epoch report. The decision is recorded in the store, where the
   * worker reads it at its next epoch report; only the coordinator holding the sweep's lease decides.
   */
  private async maybePrune(sweepId: string, trial: number, epoch: number): Promise<void> {
    if (!this.held.has(sweepId)) return;
    let pruner = this.pruners.get(sweepId);
    if (!pruner) {
      const sweep = await this.store.getSweep(sweepId);
      if (!sweep) return;
      pruner = this.prunerFor(sweep);
    }
    if (!pruner.decidesAt(epoch)) return;
    const peers = await this.store.rung(sweepId, epoch);
    const value = peers.get(trial);
    if (value === undefined) return;
    const d = pruner.decide({ trial, epoch, value, peers });
    const decision = d.prune ? { prune: true, reason: d.reason ?? pruner.name } : { prune: false };
    if ((await this.store.decideTrial(sweepId, trial, epoch, decision)) && d.prune) {
      this.log.info({ sweepId, trial, epoch, reason: d.reason }, "trial to be pruned");
    }
  }

  private prunerFor(sweep: SweepRecord): Pruner {
    let pruner = this.pruners.get(sweep.id);
    if (!pruner) {
      pruner = createPruner(sweep.spec.pruner, sweep.spec.epochs);
      this.pruners.set(sweep.id, pruner);
    }
    return pruner;
  }

  /** The job a stored trial becomes: self-contained, so a worker needs no sweep lookup. */
  private payload(sweep: SweepRecord, t: TrialRecord): TrialPayload {
    return {
      sweepId: sweep.id,
      trialNumber: t.number,
      seed: t.seed,
      params: t.params,
      hyperparams: resolveHyperparams(sweep.spec, t.params),
      epochs: sweep.spec.epochs,
      patience: sweep.spec.patience,
      dataset: sweep.spec.dataset,
      decisionEpochs: this.decisionEpochs(sweep),
    };
  }

  /** Epochs at which workers wait for the pruner's decision (so a pruned trial stops exactly there). */
  private decisionEpochs(sweep: SweepRecord): number[] {
    const pruner = this.prunerFor(sweep);
    return Array.from({ length: sweep.spec.epochs - 1 }, (_, i) => i + 1).filter((e) => pruner.decidesAt(e));
  }

  /** One pass over every active sweep (also used directly by tests). */
  async tick(): Promise<void> {
    for (const id of await this.store.activeSweepIds()) {
      if (this.stopping) return;
      await this.driveSweep(id);
    }
  }

  private async driveSweep(sweepId: string): Promise<void> {
    if (!(await this.store.acquireLease(sweepId, this.id, this.leaseMs))) {
      if (this.held.delete(sweepId)) this.log.warn({ sweepId }, "lost the lease on a sweep to another coordinator");
      return;
    }
    if (!this.held.has(sweepId)) {
      this.held.add(sweepId);
      this.view.forget(sweepId); // another coordinator may have driven it meanwhile
      this.log.info({ sweepId }, "driving sweep");
    }
    let sweep = await this.store.getSweep(sweepId);
    if (!sweep) return;
    const now = Date.now();
    const reconcileDue = now - (this.lastReconcile.get(sweepId) ?? 0) >= this.reconcileMs;
    let trials = (await this.view.snapshot(sweepId, { reread: reconcileDue })).trials;
    if (reconcileDue) {
      this.lastReconcile.set(sweepId, now);
      if (await this.reconcile(sweep, trials)) {
        trials = (await this.view.snapshot(sweepId, { reread: true })).trials;
        sweep = (await this.store.getSweep(sweepId)) ?? sweep;
      }
    }

    // The sweep's counters move atomically with every transition: they are never behind the trials.
    const inFlight = inFlightCount(sweep.counts);
    const finished = finishedCount(sweep.counts);
    if (sweep.state === "running") {
      const room = Math.min(sweep.spec.parallelism - inFlight, sweep.budget - sweep.created);
      if (room > 0 && !this.exhausted.has(sweepId)) await this.propose(sweep, trials, room);
    }
    const spent = finished >= sweep.budget || (this.exhausted.has(sweepId) && finished === sweep.created);
    if (sweep.state === "running" && spent && inFlight === 0) {
      await this.store.setSweepState(sweepId, "complete");
      this.log.info({ sweepId, best: sweep.best, trials: finished }, "sweep complete");
      this.samplers.delete(sweepId);
      this.view.forget(sweepId);
      this.exhausted.delete(sweepId);
    }
  }

  private async propose(sweep: SweepRecord, trials: readonly TrialRecord[], count: number): Promise<void> {
    let entry = this.samplers.get(sweep.id);
    if (!entry) {
      const observations = sweep.warmStart ? (await this.store.observations(sweep.id)).map((o) => ({ params: o.params, value: o.value })) : [];
      entry = { sampler: createSampler(sweep.spec.method, sweep.spec.gp, sweep.spec.initial), observations };
      this.samplers.set(sweep.id, entry);
    }
    const { sampler, observations } = entry;
    const numbers = Array.from({ length: count }, (_, i) => sweep.created + i);
    const started = performance.now();
    const { suggestions, notes } = sampler.ask({
      space: sweep.spec.space,
      trials: trials.map(toTrialView),
      seed: sweep.spec.seed,
      trialNumbers: numbers,
      // The current budget: an extended sweep's GP plans its end-of-budget exploitation for the new end.
      budget: sweep.budget,
      ...(observations.length ? { observations } : {}),
    });
    const askMs = performance.now() - started;
    await this.store.appendEvent({ type: "sampler.asked", sweepId: sweep.id, at: Date.now(), method: sweep.spec.method, trials: suggestions.length, askMs });
    for (const message of notes) {
      this.log.warn({ sweepId: sweep.id, message }, "sampler warning");
      await this.store.appendEvent({ type: "sampler.warning", sweepId: sweep.id, at: Date.now(), message });
    }
    if (suggestions.length < count && sweep.created + suggestions.length < sweep.budget) {
      // The space is exhausted (e.g. a conditional grid smaller than its bound): the sweep ends with what exists.
      this.exhausted.add(sweep.id);
      this.log.warn({ sweepId: sweep.id, created: sweep.created + suggestions.length }, "search space exhausted before the budget");
    }
    const payloads: TrialPayload[] = [];
    for (const [i, params] of suggestions.entries()) {
      const n = numbers[i]!;
      const seed = deriveTrialSeed(sweep.spec.seed, n);
      const record = await this.store.createTrial(sweep.id, n, params, seed);
      this.view.remember(record);
      // The stored trial is the truth: if another coordinator recorded this number first (a lease
      // that lapsed mid-pass), its parameters are the ones to train, so the result matches them.
      payloads.push(this.payload(sweep, record));
    }
    await this.queue.enqueue(payloads, sweep.spec.maxAttempts);
    if (payloads.length) this.log.info({ sweepId: sweep.id, trials: numbers.slice(0, payloads.length), askMs: Math.round(askMs) }, "trials enqueued");
  }

  /**
   * Brings the store and BullMQ into agreement for in-flight trials: a waiting trial without a job
   * (the coordinator died between recording and enqueueing) is enqueued again; a trial whose job
   * failed for good (attempts exhausted, stalled too often) is failed with BullMQ's reason.
   * Returns whether anything changed.
   */
  private async reconcile(sweep: SweepRecord, trials: readonly TrialRecord[]): Promise<boolean> {
    let changed = false;
    const requeue: TrialPayload[] = [];
    const inFlight = trials.filter((t) => t.state === "waiting" || t.state === "running");
    const statuses = await Promise.all(inFlight.map((t) => this.queue.status(sweep.id, t.number)));
    for (const [i, t] of inFlight.entries()) {
      const { status, failedReason } = statuses[i]!;
      if (status === "failed") {
        const reason = `attempts exhausted: ${failedReason ?? "unknown error"}`;
        if (await this.store.failTrial(sweep.id, t.number, null, reason)) {
          this.log.warn({ sweepId: sweep.id, trial: t.number, reason }, "trial failed");
          changed = true;
        }
      } else if (status === "missing" && t.state === "waiting" && sweep.state !== "cancelled") {
        requeue.push(this.payload(sweep, t));
      } else if (status === "missing" && t.state === "running" && t.startedAt !== undefined && Date.now() - t.startedAt > 60_000) {
        // The job is gone but the trial never finished (its record outlived a queue flush).
        if (await this.store.failTrial(sweep.id, t.number, null, "its job disappeared from the queue")) changed = true;
      }
    }
    if (requeue.length) {
      await this.queue.enqueue(requeue, sweep.spec.maxAttempts);
      this.log.warn({ sweepId: sweep.id, trials: requeue.map((p) => p.trialNumber) }, "re-enqueued trials that had no job");
    }
    return changed;
  }
}

import type {
  EpochReport,
  HyperqEvent,
  ParamAssignment,
  StoredEvent,
  SweepSpec,
  SweepState,
  TrialMetrics,
  TrialRecord,
  ModelManifest,
  TrialState,
} from "@hyperq/protocol";

/** A sweep as the store keeps it. */
export interface SweepRecord {
  id: string;
  name: string;
  spec: SweepSpec;
  state: SweepState;
  createdAt: number;
  finishedAt?: number;
  /** Trials the sweep will run in all. */
  budget: number;
  /** Trials created so far (the next trial number). */
  created: number;
  counts: Record<TrialState, number>;
  best?: { trial: number; valLoss: number };
  /** Set when the sweep was warm-started: the source sweep and how many observations came from it. */
  warmStart?: { from: string; observations: number };
}

/** Another sweep's finished trial, its parameters fitted to this sweep's space: observed, never re-run. */
export interface WarmObservation {
  /** Its number in the source sweep. */
  trial: number;
  params: ParamAssignment;
  /** Validation loss reached (complete), or the best before it was pruned. */
  value: number;
}

/** What a warm-started sweep is created with. */
export interface WarmStart {
  from: string;
  observations: WarmObservation[];
}

/** The answer to `extendSweep`: the new record, or why not. */
export type ExtendResult =
  | { ok: true; record: SweepRecord; reopened: boolean }
  | { ok: false; reason: "missing" | "cancelled" | "below-created" | "nothing-to-run" };

/** What {@link SweepStore.deleteSweep} did, or why it refused. */
export type DeleteSweepResult =
  | {
      ok: true;
      /** Trials removed, with their epoch histories. */
      trials: number;
      /** Events of the sweep removed from the stream. */
      events: number;
      /**
       * The sweep's dataset blob (user files only): `removed`, or `kept` because other sweeps
       * still use it (`sharedWith` of them) or because no sweep is recorded as its user.
       */
      blob?: { hash: string; removed: true } | { hash: string; removed: false; sharedWith: number };
    }
  | { ok: false; reason: "missing" }
  | { ok: false; reason: "active"; state: SweepState }
  | { ok: false; reason: "running-trials"; running: number };

/** Who holds a trial: a worker id and the attempt token it claimed with. */
export interface TrialOwner {
  workerId: string;
  /** Unique per attempt (e.g. `${jobId}/${attemptsMade}/${workerId}`): a stale attempt's writes are refused. */
  token: string;
}

export type ClaimResult =
  | { ok: true; attempt: number; record: TrialRecord }
  | { ok: false; reason: "missing" | "finished" | "cancelled" };

/** The store's answer to an epoch report: go on, or stop now and why. */
export type EpochDecision =
  | { decision: "continue" }
  | { decision: "stop"; reason: "pruned" | "cancelled" | "lost" };

export interface LeaderboardQuery {
  /** @defaultValue 0 */
  offset?: number;
  /** @defaultValue 50 */
  limit?: number;
  /** Only these states (ranked ones: complete, pruned). @defaultValue both */
  states?: readonly ("complete" | "pruned")[];
}

export interface LeaderboardPage {
  /** Ranked trials matching the query, in all. */
  total: number;
  /** 1-based rank of each row equals offset + index + 1. */
  rows: TrialRecord[];
}

/** A trained model as the store keeps it: its manifest and its weights (float32 little-endian). */
export interface StoredModel {
  manifest: ModelManifest;
  weights: Uint8Array;
}

/** One kept model, as listed. */
export interface KeptModel {
  trial: number;
  /** The trial's validation loss (its rank among the kept models). */
  valLoss: number;
  /** Manifest and weight bytes together. */
  bytes: number;
}

/** What `putModel` did: kept it, did not keep it (outside the top `keepModels`, or refused). */
export type PutModelResult =
  | { kept: true; evicted: number[] }
  | { kept: false; reason: "not-in-top" | "refused" };

/** A worker's announcement; refreshed by its heartbeat. */
export interface WorkerInfo {
  id: string;
  host: string;
  pid: number;
  backend: string;
  concurrency: number;
  startedAt: number;
  /** Last heartbeat, ms since epoch. */
  seenAt: number;
  /** Trials in progress, as `${sweepId}#${n}`. */
  current: string[];
}

/**
 * The system of record: sweeps, trials, epoch histories, leaderboards and events. Every state
 * transition is atomic; finished trials never change; a result is accepted only from the attempt
 * that owns the trial, so a retried or duplicated attempt cannot add a second leaderboard entry.
 */
export interface SweepStore {
  /** Stores a validated spec as a new running sweep (with a warm start's observations, if any). */
  createSweep(spec: SweepSpec, opts: { id: string; budget: number; now?: number; warmStart?: WarmStart }): Promise<SweepRecord>;
  /** A warm-started sweep's observations, in source trial order (none for other sweeps). */
  observations(sweepId: string): Promise<WarmObservation[]>;
  /**
   * Sets a sweep's budget (its total trials), atomically: a running or paused sweep keeps its
   * state, a complete one runs again. Refused for a cancelled sweep, a budget below the trials
   * already created, and a complete sweep given no trial to run (budget not above those created).
   */
  extendSweep(id: string, budget: number, now?: number): Promise<ExtendResult>;
  getSweep(id: string): Promise<SweepRecord | undefined>;
  /** Newest first. */
  listSweeps(): Promise<SweepRecord[]>;
  /** Ids of sweeps that are running or paused. */
  activeSweepIds(): Promise<string[]>;
  /**
   * Moves a sweep between states: running ⇄ paused, running|paused → cancelled|complete.
   * Cancelling fails every waiting trial (reason "cancelled"); running ones stop at their next epoch.
   * Returns false when the transition is not allowed (e.g. from a finished sweep).
   */
  setSweepState(id: string, state: SweepState, now?: number): Promise<boolean>;

  /** Records trial `number` as waiting; idempotent (an existing trial is returned unchanged). */
  createTrial(sweepId: string, number: number, params: ParamAssignment, seed: number, now?: number): Promise<TrialRecord>;
  getTrial(sweepId: string, number: number): Promise<TrialRecord | undefined>;
  /** Every trial of a sweep in number order (what a sampler sees). */
  listTrials(sweepId: string): Promise<TrialRecord[]>;
  /** Trials of a sweep in the given states, in number order. */
  trialsInState(sweepId: string, states: readonly TrialState[]): Promise<TrialRecord[]>;
  epochs(sweepId: string, number: number): Promise<EpochReport[]>;

  /** waiting|running → running under a new owner (a retried attempt takes over). */
  claimTrial(sweepId: string, number: number, owner: TrialOwner, now?: number): Promise<ClaimResult>;
  /** Appends an epoch report from the owner and answers whether to go on. */
  reportEpoch(sweepId: string, number: number, token: string, report: EpochReport, now?: number): Promise<EpochDecision>;
  /** running → complete, from the owner only. False if refused (stale attempt, already finished). */
  completeTrial(sweepId: string, number: number, token: string, metrics: TrialMetrics, now?: number): Promise<boolean>;
  /** → failed with a reason. `token` null forces it (coordinator: attempts exhausted); unfinished trials only. */
  failTrial(sweepId: string, number: number, token: string | null, reason: string, now?: number): Promise<boolean>;
  /**
   * running → waiting, from the owner only: its worker is stopping and hands the trial back to the
   * queue; the next attempt takes it over. False if refused (not running, or not the owner).
   */
  releaseTrial(sweepId: string, number: number, token: string): Promise<boolean>;
  /** running → pruned from the owner, at the epoch reached. */
  pruneTrial(sweepId: string, number: number, token: string, reason: string, now?: number): Promise<boolean>;
  /**
   * Records the pruner's decision on a running trial's report at `epoch`: with `prune`, the trial
   * stops as pruned at its next epoch report (its worker, waiting for this decision, stops at once).
   */
  decideTrial(sweepId: string, number: number, epoch: number, decision: { prune: boolean; reason?: string }): Promise<boolean>;
  /** The latest epoch a decision was recorded for (0 if none), and the prune reason if any. */
  trialDecision(sweepId: string, number: number): Promise<{ epoch: number; prune?: string }>;

  /** Complete trials by validation loss, then pruned ones by their best intermediate loss. */
  leaderboard(sweepId: string, query?: LeaderboardQuery): Promise<LeaderboardPage>;

  /** Appends an event (trial and sweep transitions add theirs atomically). */
  appendEvent(event: HyperqEvent): Promise<string>;
  /**
   * Events after `afterId` ("0" for all, "$" for new only), waiting up to `blockMs` when none.
   * To follow the stream (and keep trials fresh from it), use a `SweepView` rather than a cursor of your own.
   */
  readEvents(afterId: string, opts?: { blockMs?: number; count?: number }): Promise<StoredEvent[]>;

  /** The id of the newest event ("0-0" when none): read after it to get only new events. */
  lastEventId(): Promise<string>;
  /** Per epoch, each running or finished trial's best validation loss up to that epoch (for pruners). */
  rung(sweepId: string, epoch: number): Promise<Map<number, number>>;

  /**
   * Removes a finished (complete) or cancelled sweep: its record, trials, epoch histories, rungs,
   * leaderboard, lease and events, and its dataset blob unless another sweep uses it (blobs are
   * reference-counted by the sweeps created with them). Refuses a running or paused sweep, and a
   * cancelled one whose trials are still stopping. BullMQ jobs are the queue's to remove.
   */
  deleteSweep(id: string): Promise<DeleteSweepResult>;

  /**
   * Keeps a complete trial's model, from the attempt that completed it (`token`), if the trial
   * ranks in the top `keepModels` (the sweep spec's) of the kept models by validation loss; in one
   * atomic step, models that fall out of the top are deleted (their trial numbers in `evicted`),
   * so a sweep holds at most `keepModels` models whatever its budget.
   */
  putModel(sweepId: string, number: number, token: string, model: StoredModel): Promise<PutModelResult>;
  getModel(sweepId: string, number: number): Promise<StoredModel | undefined>;
  /** The kept models of a sweep, best first. */
  listModels(sweepId: string): Promise<KeptModel[]>;

  /**
   * Stores a running trial's training checkpoint from the attempt that owns it (false if refused),
   * replacing the previous one. Finishing the trial (complete, pruned, failed: by anyone) deletes
   * it; a checkpoint nobody finishes expires after a week.
   */
  putCheckpoint(sweepId: string, number: number, token: string, state: Uint8Array): Promise<boolean>;
  getCheckpoint(sweepId: string, number: number): Promise<Uint8Array | undefined>;
  /** Deletes a trial's checkpoint (when the trial ends). */
  deleteCheckpoint(sweepId: string, number: number): Promise<void>;

  /** Content-addressed file storage (dataset files travel to workers through Redis). */
  putBlob(hash: string, text: string): Promise<void>;
  getBlob(hash: string): Promise<string | undefined>;

  /** A coordinator's lease on a sweep: true when `owner` holds it for `ttlMs` from now. */
  acquireLease(sweepId: string, owner: string, ttlMs: number): Promise<boolean>;
  releaseLease(sweepId: string, owner: string): Promise<void>;

  announceWorker(info: WorkerInfo): Promise<void>;
  /** Leaves the registry (and forgets a stop request). */
  removeWorker(id: string): Promise<void>;
  /** Asks a registered worker to stop gracefully; false when no worker has that id. */
  requestWorkerStop(id: string): Promise<boolean>;
  /** Whether the worker was asked to stop (it checks with its heartbeat). */
  workerStopRequested(id: string): Promise<boolean>;
  listWorkers(): Promise<WorkerInfo[]>;

  /**
   * Checks that the store answers now (Redis: connected and a PING returns within `timeoutMs`);
   * rejects with the reason when it does not, without waiting for a reconnection.
   */
  ping(timeoutMs?: number): Promise<void>;

  close(): Promise<void>;
}

import type { StoredEvent, TrialRecord } from "@hyperq/protocol";
import type { SweepStore } from "./sweep-store.ts";

export interface SweepViewOptions {
  /** Sweeps whose trials are kept in memory at once; the least recently read goes first. @defaultValue Infinity */
  maxSweeps?: number;
  /** Above this many changed trials, a read reloads the whole sweep instead of trial by trial. @defaultValue 1000 */
  reloadAbove?: number;
}

/** A consistent snapshot of one sweep's trials. `version` changes whenever a trial does. */
export interface TrialSnapshot {
  version: number;
  /** Every trial, in number order. Do not mutate. */
  trials: readonly TrialRecord[];
}

/** What a view holds for a sweep, without reading anything (`SweepView.peek`). */
export interface HeldSweep {
  version: number;
  /** Loaded and not waiting for a full reload. */
  loaded: boolean;
  /** Events named trials that changed since the last read (or a reload is due). */
  changed: boolean;
}

interface Entry {
  trials: Map<number, TrialRecord>;
  ordered: TrialRecord[] | undefined;
  dirty: Set<number>;
  needsReload: boolean;
  refreshing: Promise<void> | undefined;
  version: number;
  lastUsed: number;
}

/**
 * The read side of the store: follows the event stream with its own cursor and keeps the trials of
 * the sweeps a process reads, refreshing only the trials events name (every transition appends an
 * event), as Optuna's `_CachedStorage` does. The coordinator, the dashboard and the CLI each hold
 * one instead of following the stream themselves.
 *
 * ```ts
 * const view = new SweepView(store);
 * await view.ready(); // reads from the current end of the stream
 * for (;;) {
 *   const events = await view.next({ blockMs: 1000 });
 *   const { trials } = await view.snapshot(sweepId); // re-reads only what the events named
 * }
 * ```
 */
export class SweepView {
  /** Sweeps kept in memory at once (may be changed; applies at the next new sweep). */
  maxSweeps: number;
  private readonly reloadAbove: number;
  private readonly entries = new Map<string, Entry>();
  private started: Promise<void> | undefined;
  private lastId = "0-0";
  /** Counts reads, for the least-recently-used order (a clock could tie). */
  private uses = 0;

  constructor(
    private readonly store: SweepStore,
    opts: SweepViewOptions = {},
  ) {
    this.maxSweeps = opts.maxSweeps ?? Infinity;
    this.reloadAbove = opts.reloadAbove ?? 1000;
  }

  /** Resolves once the cursor is at the end of the stream as of the first call: nothing after it is missed. */
  ready(): Promise<void> {
    this.started ??= this.store.lastEventId().then((id) => {
      this.lastId = id;
    });
    return this.started;
  }

  /** The id of the last event read. */
  get cursor(): string {
    return this.lastId;
  }

  /**
   * Reads the events after the cursor (waiting up to `blockMs` for some), moves the cursor past
   * them and marks the trials they name as changed. Returns them in stream order.
   */
  async next(opts: { blockMs?: number; count?: number } = {}): Promise<StoredEvent[]> {
    await this.ready();
    const events = await this.store.readEvents(this.lastId, opts);
    const last = events[events.length - 1];
    if (last) this.lastId = last.id;
    this.apply(events);
    return events;
  }

  /** The sweep's trials in number order, fresh as of the last events read; `reread` loads them all again. */
  async snapshot(sweepId: string, opts: { reread?: boolean } = {}): Promise<TrialSnapshot> {
    await this.ready();
    let e = this.entries.get(sweepId);
    if (!e) {
      e = { trials: new Map(), ordered: undefined, dirty: new Set(), needsReload: true, refreshing: undefined, version: 0, lastUsed: 0 };
      this.entries.set(sweepId, e);
      this.evict(sweepId);
    }
    if (opts.reread) e.needsReload = true;
    e.lastUsed = ++this.uses;
    // Under a steady stream, changes may land during each refresh: catch up a few times, then
    // answer (at most milliseconds stale) rather than chase the stream.
    for (let round = 0; round < 3 && (e.needsReload || e.dirty.size > 0 || e.refreshing); round++) {
      const entry = e;
      entry.refreshing ??= this.refresh(sweepId, entry).finally(() => {
        entry.refreshing = undefined;
      });
      await entry.refreshing;
    }
    e.ordered ??= [...e.trials.values()].sort((a, b) => a.number - b.number);
    return { version: e.version, trials: e.ordered };
  }

  /** A trial this process just wrote: held without a re-read (its `trial.created` event then changes nothing). */
  remember(record: TrialRecord): void {
    const e = this.entries.get(record.sweepId);
    if (!e || e.needsReload) return;
    e.trials.set(record.number, record);
    e.ordered = undefined;
    e.version++;
  }

  /** What the view holds for a sweep, or undefined; counts as a use (for the least-recently-used order). */
  peek(sweepId: string): HeldSweep | undefined {
    const e = this.entries.get(sweepId);
    if (!e) return undefined;
    e.lastUsed = ++this.uses;
    return { version: e.version, loaded: !e.needsReload, changed: e.needsReload || e.dirty.size > 0 };
  }

  /** Whether the sweep's trials are in memory (loaded, not waiting for a reload). */
  isWarm(sweepId: string): boolean {
    const e = this.entries.get(sweepId);
    return e !== undefined && !e.needsReload;
  }

  /** Sweeps held in memory. */
  get size(): number {
    return this.entries.size;
  }

  /** Drops a sweep's trials (a finished sweep, a lease taken over). */
  forget(sweepId: string): void {
    this.entries.delete(sweepId);
  }

  /** Every held sweep reloads at its next read: events may have been missed (a failed read, trimmed stream). */
  invalidate(): void {
    for (const e of this.entries.values()) e.needsReload = true;
  }

  /** Marks the trials that events name as changed (for a view fed by another reader of the stream). */
  apply(events: readonly StoredEvent[]): void {
    for (const ev of events) {
      if (!("trial" in ev)) continue;
      const e = this.entries.get(ev.sweepId);
      if (!e || e.needsReload) continue;
      if (ev.type === "trial.created" && e.trials.has(ev.trial)) continue;
      e.dirty.add(ev.trial);
    }
  }

  private async refresh(sweepId: string, e: Entry): Promise<void> {
    if (e.needsReload || e.dirty.size > this.reloadAbove) {
      e.needsReload = false;
      e.dirty.clear();
      const all = await this.store.listTrials(sweepId);
      e.trials = new Map(all.map((t) => [t.number, t]));
      e.ordered = all;
    } else {
      const numbers = [...e.dirty];
      e.dirty.clear();
      const fresh = await Promise.all(numbers.map((n) => this.store.getTrial(sweepId, n)));
      let added = false;
      for (const t of fresh) {
        if (!t) continue;
        if (!e.trials.has(t.number)) added = true;
        e.trials.set(t.number, t);
      }
      // Same trials, new records: a copy in the same order (no sort); new trials: sort again.
      e.ordered = !added && e.ordered ? e.ordered.map((t) => e.trials.get(t.number) ?? t) : undefined;
    }
    e.version++;
  }

  private evict(keep: string): void {
    while (this.entries.size > this.maxSweeps) {
      let oldest: [string, number] | undefined;
      for (const [id, e] of this.entries) if (id !== keep && (!oldest || e.lastUsed < oldest[1])) oldest = [id, e.lastUsed];
      if (!oldest) return;
      this.entries.delete(oldest[0]);
    }
  }
}

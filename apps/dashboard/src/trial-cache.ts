import { TRIAL_STATES, type StoredEvent, type TrialRecord, type TrialState } from "@hyperq/protocol";
import type { SweepRecord, SweepStore } from "@hyperq/store";
import type { EventHub } from "./event-hub.ts";
import { rankMap, sortTrials, type SortDir, type SortKey } from "./ranking.ts";

export interface TrialCacheOptions {
  /** Sweeps kept in memory at once (least recently used goes first). @defaultValue 4 */
  maxSweeps?: number;
  /** Above this many changed trials, reload the whole sweep instead of trial by trial. @defaultValue 1000 */
  reloadAbove?: number;
}

/** A consistent snapshot of one sweep's trials. `version` changes whenever a trial does. */
export interface TrialSnapshot {
  version: number;
  /** Every trial, in number order. Do not mutate. */
  trials: readonly TrialRecord[];
}

/** A page of a sweep's trials, as `GET /api/sweeps/:id/trials` asks for it. */
export interface LeaderboardQuery {
  sort: SortKey;
  dir: SortDir;
  offset: number;
  limit: number;
  /** Only trials in these states; all when absent. */
  states?: readonly TrialState[] | undefined;
}

/** The page: rows with their rank (null for a trial that has none), and the totals it was cut from. */
export interface LeaderboardPage {
  total: number;
  offset: number;
  limit: number;
  sort: SortKey;
  dir: SortDir;
  counts: Record<TrialState, number>;
  /** Served from a view older than the latest events (ask again shortly); absent when read from the store. */
  stale?: boolean;
  rows: (TrialRecord & { rank: number | null })[];
}

interface Entry {
  trials: Map<number, TrialRecord>;
  ordered: TrialRecord[] | undefined;
  dirty: Set<number>;
  needsReload: boolean;
  refreshing: Promise<void> | undefined;
  version: number;
  lastUsed: number;
  memo: Map<string, { version: number; builtAt: number; buildMs: number; value: unknown }>;
}

/**
 * Every trial of the few sweeps people are looking at, kept in the dashboard's memory so sorting by
 * any column or filtering by any state over 10,000 trials costs a sort in memory, not 10,000 Redis
 * reads. Events mark single trials stale; the next read refetches just those (`getTrial`), so a live
 * sweep costs one small read per changed trial, not a reload per event.
 */
export class TrialCache {
  private readonly entries = new Map<string, Entry>();
  private readonly maxSweeps: number;
  private readonly reloadAbove: number;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly store: SweepStore,
    private readonly hub: EventHub,
    opts: TrialCacheOptions = {},
  ) {
    this.maxSweeps = opts.maxSweeps ?? 4;
    this.reloadAbove = opts.reloadAbove ?? 1000;
  }

  /** The sweep's trials, fresh as of the last event the hub delivered. */
  async snapshot(sweepId: string): Promise<TrialSnapshot> {
    this.unsubscribe ??= this.hub.subscribe(
      (events) => this.onEvents(events),
      () => {
        for (const e of this.entries.values()) e.needsReload = true;
      },
    );
    await this.hub.ready();
    let e = this.entries.get(sweepId);
    if (!e) {
      e = { trials: new Map(), ordered: undefined, dirty: new Set(), needsReload: true, refreshing: undefined, version: 0, lastUsed: 0, memo: new Map() };
      this.entries.set(sweepId, e);
      this.evict(sweepId);
    }
    e.lastUsed = Date.now();
    // Under a steady stream, changes may land during each refresh: catch up a few times, then
    // answer (at most milliseconds stale) rather than chase the stream.
    for (let round = 0; round < 3 && (e.needsReload || e.dirty.size > 0 || e.refreshing); round++) {
      e.refreshing ??= this.refresh(sweepId, e).finally(() => {
        if (e) e.refreshing = undefined;
      });
      await e.refreshing;
    }
    e.ordered ??= [...e.trials.values()].sort((a, b) => a.number - b.number);
    return { version: e.version, trials: e.ordered };
  }

  /**
   * A value derived from the snapshot (a sorted view, a chart's data), computed once per version.
   * `key` names the derivation.
   *
   * Under a stream of events the version changes all the time, and rebuilding a 10,000-trial view
   * per request would not keep latency low. So a value may be served while younger than
   * `costFactor` × the time its build took (at most `maxStaleMs`) even if trials changed since; then
   * `stale` is true and the caller should ask again shortly. Cheap views (small sweeps) are
   * effectively never stale; a 10 ms sort of 10,000 trials is rebuilt at most every 200 ms at
   * `costFactor` 20.
   */
  async derive<T>(
    sweepId: string,
    key: string,
    build: (s: TrialSnapshot) => T,
    opts: { maxStaleMs?: number; costFactor?: number } = {},
  ): Promise<{ value: T; stale: boolean }> {
    const early = this.entries.get(sweepId);
    const recent = early?.memo.get(key);
    if (early && recent && !early.needsReload) {
      const window = Math.min(opts.maxStaleMs ?? 0, (opts.costFactor ?? 20) * recent.buildMs);
      if (Date.now() - recent.builtAt < window) {
        early.lastUsed = Date.now();
        return { value: recent.value as T, stale: recent.version !== early.version || early.dirty.size > 0 };
      }
    }
    const s = await this.snapshot(sweepId);
    const e = this.entries.get(sweepId);
    const hit = e?.memo.get(key);
    if (hit && hit.version === s.version) return { value: hit.value as T, stale: false };
    const t0 = performance.now();
    const value = build(s);
    if (e && e.version === s.version) {
      // Bounded: a handful of sort orders and charts per sweep.
      if (e.memo.size > 64) e.memo.clear();
      e.memo.set(key, { version: s.version, builtAt: Date.now(), buildMs: performance.now() - t0, value });
    }
    return { value, stale: false };
  }

  /** Within a `derive` build: a value of that same snapshot, computed once per version (e.g. ranks). */
  memoOf<T>(sweepId: string, snap: TrialSnapshot, key: string, build: () => T): T {
    const e = this.entries.get(sweepId);
    const hit = e?.memo.get(key);
    if (hit && hit.version === snap.version) return hit.value as T;
    const value = build();
    if (e && e.version === snap.version) e.memo.set(key, { version: snap.version, builtAt: Date.now(), buildMs: 0, value });
    return value;
  }

  /**
   * A page of the sweep's trials in any order. Ranked trials come first in rank order, so a page
   * that ends within them is the store's own leaderboard, paged in Redis: no load of 10,000 trials on
   * a cold start. Once the sweep is in memory, every order is served from here (one Redis read
   * instead of four). Under a stream of events a big sweep's view may be up to 250 ms old (then
   * `stale: true`): one sort per request would not keep p95 low.
   */
  async leaderboardPage(s: SweepRecord, q: LeaderboardQuery): Promise<LeaderboardPage> {
    const { sort, dir, offset, limit, states } = q;
    const wanted = states ?? TRIAL_STATES;
    const rankedStates = (["complete", "pruned"] as const).filter((x) => wanted.includes(x));
    const rankedTotal = rankedStates.reduce((n, x) => n + s.counts[x], 0);
    const total = wanted.reduce((n, x) => n + s.counts[x], 0);
    const withinRanked = offset + limit <= rankedTotal || rankedTotal === total;
    if (sort === "rank" && dir === "asc" && rankedStates.length > 0 && withinRanked && !this.isWarm(s.id)) {
      const page = await this.store.leaderboard(s.id, { offset, limit, states: rankedStates });
      const before = rankedStates[0] === "pruned" ? s.counts.complete : 0;
      return {
        total: rankedTotal === total ? page.total : total,
        offset,
        limit,
        sort,
        dir,
        counts: s.counts,
        rows: page.rows.map((t, i) => ({ ...t, rank: before + offset + i + 1 })),
      };
    }
    const key = `lb:${sort}:${dir}:${states?.join(",") ?? "*"}`;
    const view = await this.derive(
      s.id,
      key,
      (snap) => {
        const ranks = this.memoOf(s.id, snap, "ranks", () => rankMap(snap.trials));
        return { ranks, rows: sortTrials(states ? snap.trials.filter((t) => states.includes(t.state)) : snap.trials, sort, dir, ranks) };
      },
      { maxStaleMs: 250, costFactor: 20 },
    );
    const { ranks, rows } = view.value;
    return {
      total: rows.length,
      offset,
      limit,
      sort,
      dir,
      counts: s.counts,
      stale: view.stale,
      rows: rows.slice(offset, offset + limit).map((t) => ({ ...t, rank: ranks.get(t.number) ?? null })),
    };
  }

  /** Whether the sweep's trials are in memory (loaded, not waiting for a reload). */
  isWarm(sweepId: string): boolean {
    const e = this.entries.get(sweepId);
    return e !== undefined && !e.needsReload;
  }

  /** Sweeps held in memory (for /api/health). */
  get size(): number {
    return this.entries.size;
  }

  close(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.entries.clear();
  }

  private onEvents(events: readonly StoredEvent[]): void {
    for (const ev of events) {
      if (!("trial" in ev)) continue;
      const e = this.entries.get(ev.sweepId);
      if (e && !e.needsReload) e.dirty.add(ev.trial);
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

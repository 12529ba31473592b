import { TRIAL_STATES, type TrialRecord, type TrialState } from "@hyperq/protocol";
import type { SweepRecord, SweepView, TrialSnapshot } from "@hyperq/store";
import type { EventHub } from "./event-hub.ts";
import { rankMap, sortTrials, type SortDir, type SortKey } from "./ranking.ts";

export type { TrialSnapshot } from "@hyperq/store";

export interface TrialCacheOptions {
  /** Sweeps kept in memory at once (least recently used goes first). @defaultValue 4 */
  maxSweeps?: number;
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

interface Memo {
  version: number;
  builtAt: number;
  buildMs: number;
  value: unknown;
}

/**
 * Every trial of the few sweeps people are looking at, kept in the dashboard's memory so sorting by
 * any column or filtering by any state over 10,000 trials costs a sort in memory, not 10,000 Redis
 * reads. The trials are the hub's `SweepView` (events mark single trials stale; the next read
 * refetches just those); this adds the views derived from them (sorted pages, charts), built once
 * per version.
 */
export class TrialCache {
  private readonly view: SweepView;
  /** Per sweep, derived values by key. */
  private readonly memos = new Map<string, Map<string, Memo>>();

  constructor(
    private readonly hub: EventHub,
    opts: TrialCacheOptions = {},
  ) {
    this.view = hub.view;
    this.view.maxSweeps = opts.maxSweeps ?? 4;
  }

  /** The sweep's trials, fresh as of the last event the hub delivered. */
  async snapshot(sweepId: string): Promise<TrialSnapshot> {
    await this.hub.ready();
    const snap = await this.view.snapshot(sweepId);
    // Derived values of sweeps the view let go of go too.
    for (const id of this.memos.keys()) if (this.view.peek(id) === undefined) this.memos.delete(id);
    return snap;
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
    const recent = this.memos.get(sweepId)?.get(key);
    const held = recent ? this.view.peek(sweepId) : undefined;
    if (held && recent && held.loaded) {
      const window = Math.min(opts.maxStaleMs ?? 0, (opts.costFactor ?? 20) * recent.buildMs);
      if (Date.now() - recent.builtAt < window) return { value: recent.value as T, stale: recent.version !== held.version || held.changed };
    }
    const s = await this.snapshot(sweepId);
    const hit = this.memos.get(sweepId)?.get(key);
    if (hit && hit.version === s.version) return { value: hit.value as T, stale: false };
    const t0 = performance.now();
    const value = build(s);
    this.remember(sweepId, key, s, { builtAt: Date.now(), buildMs: performance.now() - t0, value });
    return { value, stale: false };
  }

  /** Within a `derive` build: a value of that same snapshot, computed once per version (e.g. ranks). */
  memoOf<T>(sweepId: string, snap: TrialSnapshot, key: string, build: () => T): T {
    const hit = this.memos.get(sweepId)?.get(key);
    if (hit && hit.version === snap.version) return hit.value as T;
    const value = build();
    this.remember(sweepId, key, snap, { builtAt: Date.now(), buildMs: 0, value });
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
      const page = await this.hub.store.leaderboard(s.id, { offset, limit, states: rankedStates });
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
    return this.view.isWarm(sweepId);
  }

  /** Sweeps held in memory (for /api/health). */
  get size(): number {
    return this.view.size;
  }

  close(): void {
    this.memos.clear();
  }

  /** Keeps a value built from `snap` if that is still the sweep's current version. */
  private remember(sweepId: string, key: string, snap: TrialSnapshot, m: Omit<Memo, "version">): void {
    if (this.view.peek(sweepId)?.version !== snap.version) return;
    let memo = this.memos.get(sweepId);
    if (!memo) this.memos.set(sweepId, (memo = new Map()));
    // Bounded: a handful of sort orders and charts per sweep.
    if (memo.size > 64) memo.clear();
    memo.set(key, { version: snap.version, ...m });
  }
}

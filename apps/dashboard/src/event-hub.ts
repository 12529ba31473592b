import type { StoredEvent } from "@hyperq/protocol";
import { SweepView, type SweepStore } from "@hyperq/store";
import { noopLogger, type DashboardLogger } from "./log.ts";

export interface EventHubOptions {
  /** How long one blocking read waits for events before looping. @defaultValue 2000 */
  blockMs?: number;
  /** Events per read. @defaultValue 1000 */
  batchSize?: number;
  /** Wait after a failed read before retrying. @defaultValue 1000 */
  retryMs?: number;
  /** The view the hub moves along the stream (its trial cache is the dashboard's). @defaultValue a new SweepView of the store */
  view?: SweepView;
  log?: DashboardLogger;
}

/** Called with each batch of events, in stream order. */
export type EventListener = (events: readonly StoredEvent[]) => void;
/** Called when the hub could not read for a while: listeners must assume they missed events. */
export type ResetListener = () => void;

/**
 * The one reader of the store's event stream in a dashboard process: it moves a `SweepView` along
 * the stream (so the view's trial cache stays fresh) and hands each batch to its subscribers. Every
 * SSE client and the metrics subscribe here, so a thousand open tabs still cost one blocking Redis read.
 *
 * The loop starts with the first subscriber (`ready()` resolves once it knows where the stream
 * ends, so a cache loaded after `ready()` misses nothing) and runs until `close()`.
 */
export class EventHub {
  private readonly listeners = new Set<EventListener>();
  private readonly resetListeners = new Set<ResetListener>();
  /** The cursor and the trial cache. */
  readonly view: SweepView;
  private readonly blockMs: number;
  private readonly batchSize: number;
  private readonly retryMs: number;
  private readonly log: DashboardLogger;
  private started: Promise<void> | undefined;
  private stopped = false;
  private wake: (() => void) | undefined;
  /** Events delivered since start; for /api/health. */
  delivered = 0;

  constructor(
    /** The store the hub reads (its trial reads go through `view`). */
    readonly store: SweepStore,
    opts: EventHubOptions = {},
  ) {
    this.view = opts.view ?? new SweepView(store);
    this.blockMs = opts.blockMs ?? 2000;
    this.batchSize = opts.batchSize ?? 1000;
    this.retryMs = opts.retryMs ?? 1000;
    this.log = opts.log ?? noopLogger;
  }

  /** Starts the loop if needed; resolves once the hub reads from the current end of the stream. */
  ready(): Promise<void> {
    if (this.stopped) return Promise.reject(new Error("the event hub is closed"));
    this.started ??= this.view.ready().then(() => {
      void this.loop();
    });
    return this.started;
  }

  subscribe(listener: EventListener, onReset?: ResetListener): () => void {
    this.listeners.add(listener);
    if (onReset) this.resetListeners.add(onReset);
    void this.ready().catch((e: unknown) => this.log.error({ err: String(e) }, "event hub failed to start"));
    return () => {
      this.listeners.delete(listener);
      if (onReset) this.resetListeners.delete(onReset);
    };
  }

  get subscribers(): number {
    return this.listeners.size;
  }

  /** Stops the loop. A blocking read in flight is abandoned, not awaited. */
  close(): void {
    this.stopped = true;
    this.listeners.clear();
    this.resetListeners.clear();
    this.wake?.();
  }

  private async loop(): Promise<void> {
    let failing = false;
    while (!this.stopped) {
      let events: StoredEvent[];
      try {
        events = await this.view.next({ blockMs: this.blockMs, count: this.batchSize });
      } catch (e) {
        if (this.stopped) return;
        if (!failing) this.log.warn({ err: String(e) }, "reading the event stream failed; retrying");
        failing = true;
        await new Promise<void>((resolve) => {
          const t = setTimeout(resolve, this.retryMs);
          this.wake = () => {
            clearTimeout(t);
            resolve();
          };
        });
        this.wake = undefined;
        continue;
      }
      if (this.stopped) return;
      if (failing) {
        failing = false;
        this.log.info({ lastId: this.view.cursor }, "event stream readable again");
        // Events may have been trimmed from the stream while we could not read: start over.
        this.view.invalidate();
        for (const r of this.resetListeners) r();
      }
      if (events.length === 0) continue;
      this.delivered += events.length;
      for (const l of this.listeners) {
        try {
          l(events);
        } catch (e) {
          this.log.error({ err: String(e) }, "an event listener threw");
        }
      }
    }
  }
}

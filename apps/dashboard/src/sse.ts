import type { Request, Response } from "express";
import type { HyperqEventType, StoredEvent } from "@hyperq/protocol";
import type { EventHub } from "./event-hub.ts";

export interface SseOptions {
  /** Events are sent in batches at most this often per client (a browser refreshes at most as often). @defaultValue 250 */
  flushMs?: number;
  /** A comment line this often keeps proxies from closing an idle stream. @defaultValue 15000 */
  heartbeatMs?: number;
  /** Events queued per client between flushes; beyond it the client gets one `reset` instead. @defaultValue 500 */
  maxPendingEvents?: number;
  /** A client whose socket holds more unsent bytes than this is too slow and is disconnected. @defaultValue 1 MiB */
  maxBufferedBytes?: number;
}

interface Client {
  res: Response;
  sweepId: string | undefined;
  types: ReadonlySet<HyperqEventType> | undefined;
  pending: StoredEvent[];
  overflow: boolean;
}

/**
 * Server-Sent Events for every open tab, fed from the process's one EventHub. Each client's events
 * are filtered (sweep, types), queued and flushed as one `events` message per `flushMs`; a client
 * that falls far behind gets `reset` (refetch everything) so no queue grows without bound.
 *
 * Messages: `hello` on connect, `events` (a JSON array of StoredEvent), `reset`.
 */
export class SseBroadcaster {
  private readonly clients = new Set<Client>();
  private readonly flushMs: number;
  private readonly heartbeatMs: number;
  private readonly maxPending: number;
  private readonly maxBuffered: number;
  private flushTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private unsubscribe: (() => void) | undefined;

  constructor(
    private readonly hub: EventHub,
    opts: SseOptions = {},
  ) {
    this.flushMs = opts.flushMs ?? 250;
    this.heartbeatMs = opts.heartbeatMs ?? 15_000;
    this.maxPending = opts.maxPendingEvents ?? 500;
    this.maxBuffered = opts.maxBufferedBytes ?? 1 << 20;
  }

  get size(): number {
    return this.clients.size;
  }

  /** Holds `res` open as an event stream until the client goes away or `close()`. */
  attach(req: Request, res: Response, filter: { sweepId?: string | undefined; types?: readonly HyperqEventType[] | undefined }): void {
    res.status(200);
    res.setHeader("Content-Type", "text/event-stream; charset=utf-8");
    res.setHeader("Cache-Control", "no-store");
    res.setHeader("Connection", "keep-alive");
    res.setHeader("X-Accel-Buffering", "no");
    res.flushHeaders();
    req.socket.setNoDelay(true);
    req.socket.setKeepAlive(true);
    res.write(`retry: 2000\nevent: hello\ndata: {}\n\n`);
    const client: Client = { res, sweepId: filter.sweepId, types: filter.types ? new Set(filter.types) : undefined, pending: [], overflow: false };
    this.clients.add(client);
    this.start();
    const drop = (): void => {
      this.clients.delete(client);
      client.pending = [];
      if (this.clients.size === 0) this.stop();
    };
    res.on("close", drop);
    res.on("error", drop);
  }

  /** Ends every stream (clients reconnect on their own to whatever serves next). */
  close(): void {
    for (const c of this.clients) c.res.end();
    this.clients.clear();
    this.stop();
  }

  private start(): void {
    this.unsubscribe ??= this.hub.subscribe((events) => this.enqueue(events));
    this.flushTimer ??= setInterval(() => this.flush(), this.flushMs);
    this.heartbeatTimer ??= setInterval(() => {
      for (const c of this.clients) c.res.write(": ping\n\n");
    }, this.heartbeatMs);
    this.flushTimer.unref();
    this.heartbeatTimer.unref();
  }

  private stop(): void {
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.flushTimer) clearInterval(this.flushTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.flushTimer = undefined;
    this.heartbeatTimer = undefined;
  }

  private enqueue(events: readonly StoredEvent[]): void {
    for (const c of this.clients) {
      if (c.overflow) continue;
      for (const e of events) {
        if (c.sweepId !== undefined && e.sweepId !== c.sweepId) continue;
        if (c.types && !c.types.has(e.type)) continue;
        c.pending.push(e);
      }
      if (c.pending.length > this.maxPending) {
        c.pending = [];
        c.overflow = true;
      }
    }
  }

  private flush(): void {
    for (const c of this.clients) {
      if (c.res.writableLength > this.maxBuffered) {
        c.res.destroy();
        continue;
      }
      if (c.overflow) {
        c.overflow = false;
        c.res.write(`event: reset\ndata: {}\n\n`);
        continue;
      }
      const last = c.pending[c.pending.length - 1];
      if (!last) continue;
      const batch = c.pending;
      c.pending = [];
      c.res.write(`id: ${last.id}\nevent: events\ndata: ${JSON.stringify(batch)}\n\n`);
    }
  }
}

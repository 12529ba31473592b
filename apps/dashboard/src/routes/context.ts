import type { RequestHandler } from "express";
import type { SweepRecord, SweepStore } from "@hyperq/store";
import type { EventHub } from "../event-hub.ts";
import { HttpError, parseOr400 } from "../http-error.ts";
import type { DashboardLogger } from "../log.ts";
import { sweepIdSchema } from "../schemas.ts";
import type { SseBroadcaster } from "../sse.ts";
import type { TrialCache } from "../trial-cache.ts";

/** What every router of the dashboard is built from (`createServer` makes one and hands it round). */
export interface RouteContext {
  store: SweepStore;
  hub: EventHub;
  cache: TrialCache;
  sse: SseBroadcaster;
  log: DashboardLogger;
  now: () => number;
  /** The control actions' guard (the token in a header). */
  requireToken: RequestHandler;
}

/** The sweep a route's `:id` names, or a 400 (bad id) or 404 (no such sweep). */
export async function sweepOr404(store: SweepStore, raw: unknown): Promise<SweepRecord> {
  const id = parseOr400(sweepIdSchema, raw, "sweep id");
  const s = await store.getSweep(id);
  if (!s) throw new HttpError(404, `no sweep "${id}"`);
  return s;
}

import express, { type Router } from "express";
import { parseOr400 } from "../http-error.ts";
import { eventsQuerySchema } from "../schemas.ts";
import type { SseBroadcaster } from "../sse.ts";

/** `GET /api/events`: the event stream as Server-Sent Events, for one sweep or all, some types or all. */
export function eventsRouter(sse: SseBroadcaster): Router {
  const r = express.Router();
  r.get("/api/events", (req, res) => {
    const q = parseOr400(eventsQuerySchema, req.query, "query");
    sse.attach(req, res, { sweepId: q.sweep, types: q.types });
  });
  return r;
}

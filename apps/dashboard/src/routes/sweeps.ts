import express, { type Request, type Response, type Router } from "express";
import { z } from "zod";
import type { SweepState } from "@hyperq/protocol";
import { paramAxes, paramImportance, sweepHistory } from "../analysis.ts";
import { HttpError, parseOr400 } from "../http-error.ts";
import { keptModelsSummary } from "../models.ts";
import { historyQuerySchema, noQuerySchema, sweepIdSchema } from "../schemas.ts";
import { publicSpec, summarizeSweep } from "../sweep-summary.ts";
import { sweepOr404, type RouteContext } from "./context.ts";

const extendBodySchema = z.strictObject({ budget: z.number().int().min(1).max(1_000_000) });

/**
 * Sweeps: the list, one sweep with its spec and best trial, its charts' history and parameter
 * importance, and the control actions pause, resume, cancel and extend (behind the token).
 */
export function sweepsRouter(ctx: RouteContext): Router {
  const { store, cache, log, now, requireToken } = ctx;
  const r = express.Router();

  r.get("/api/sweeps", async (req, res) => {
    parseOr400(noQuerySchema, req.query, "query");
    const t = now();
    res.json({ sweeps: (await store.listSweeps()).map((s) => summarizeSweep(s, t)) });
  });

  r.get("/api/sweeps/:id", async (req, res) => {
    parseOr400(noQuerySchema, req.query, "query");
    const s = await sweepOr404(store, req.params.id);
    void cache.snapshot(s.id).catch(() => {});
    const best = s.best ? ((await store.getTrial(s.id, s.best.trial)) ?? null) : null;
    res.json({ sweep: summarizeSweep(s, now()), spec: publicSpec(s.spec), axes: paramAxes(s), best, models: await keptModelsSummary(store, s) });
  });

  r.get("/api/sweeps/:id/history", async (req, res) => {
    const q = parseOr400(historyQuerySchema, req.query, "query");
    const s = await sweepOr404(store, req.params.id);
    if (q.since !== undefined) {
      // A live page's increment: the trials finished since its last look.
      const snap = await cache.snapshot(s.id);
      res.json(sweepHistory(s, snap.trials, q.since));
      return;
    }
    // Serialized once per change: a 10,000-trial history is about 1 MB.
    const { value: body, stale } = await cache.derive(s.id, "history", (snap) => JSON.stringify(sweepHistory(s, snap.trials)), { maxStaleMs: 1000, costFactor: 20 });
    res.setHeader("X-HyperQ-Stale", String(stale));
    res.type("application/json").send(body);
  });

  r.get("/api/sweeps/:id/importance", async (req, res) => {
    parseOr400(noQuerySchema, req.query, "query");
    const s = await sweepOr404(store, req.params.id);
    // About 50 ms of arithmetic at 10,000 trials: then at most every 2.5 s.
    const { value, stale } = await cache.derive(s.id, "importance", (snap) => paramImportance(s, snap.trials), { maxStaleMs: 5000, costFactor: 50 });
    res.json({ ...value, stale });
  });

  const control = (target: SweepState, verb: string) => async (req: Request, res: Response) => {
    const s = await sweepOr404(store, req.params.id);
    const ok = await store.setSweepState(s.id, target, now());
    if (!ok) throw new HttpError(409, `cannot ${verb} sweep "${s.id}": it is ${s.state}`);
    log.info({ sweepId: s.id, from: s.state, to: target }, `sweep ${verb}d from the dashboard`);
    res.json({ ok: true, id: s.id, state: target });
  };
  r.post("/api/sweeps/:id/pause", requireToken, control("paused", "pause"));
  r.post("/api/sweeps/:id/resume", requireToken, control("running", "resume"));
  r.post("/api/sweeps/:id/cancel", requireToken, control("cancelled", "cancel"));

  r.post("/api/sweeps/:id/extend", requireToken, express.json({ limit: "1kb" }), async (req, res) => {
    const id = parseOr400(sweepIdSchema, req.params.id, "sweep id");
    const { budget } = parseOr400(extendBodySchema, req.body ?? {}, "body");
    const result = await store.extendSweep(id, budget);
    if (!result.ok) {
      if (result.reason === "missing") throw new HttpError(404, `no sweep "${id}"`);
      const s = await store.getSweep(id);
      const why = {
        cancelled: `sweep "${id}" was cancelled`,
        "below-created": `budget must be at least the ${s?.created ?? "?"} trials created, but got ${budget}`,
        "nothing-to-run": `sweep "${id}" is complete with ${s?.created ?? "?"} trials; budget must exceed that, but got ${budget}`,
      }[result.reason];
      throw new HttpError(409, `cannot extend: ${why}`);
    }
    log.info({ sweepId: id, budget, reopened: result.reopened }, "sweep budget set from the dashboard");
    res.json({ ok: true, id, budget: result.record.budget, state: result.record.state });
  });
  return r;
}

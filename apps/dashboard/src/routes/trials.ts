import express, { type Router } from "express";
import { HttpError, parseOr400 } from "../http-error.ts";
import { curvesQuerySchema, leaderboardQuerySchema, noQuerySchema, trialNumberSchema } from "../schemas.ts";
import { sweepOr404, type RouteContext } from "./context.ts";

/** A sweep's trials: the leaderboard in any order (paged), one trial with its epochs, and learning curves. */
export function trialsRouter(ctx: RouteContext): Router {
  const { store, cache } = ctx;
  const r = express.Router();

  r.get("/api/sweeps/:id/trials", async (req, res) => {
    const q = parseOr400(leaderboardQuerySchema, req.query, "query");
    const s = await sweepOr404(store, req.params.id);
    res.json(await cache.leaderboardPage(s, { sort: q.sort ?? "rank", dir: q.dir ?? "asc", offset: q.offset ?? 0, limit: q.limit ?? 50, states: q.state }));
  });

  r.get("/api/sweeps/:id/trials/:n", async (req, res) => {
    parseOr400(noQuerySchema, req.query, "query");
    const s = await sweepOr404(store, req.params.id);
    const n = parseOr400(trialNumberSchema, req.params.n, "trial number");
    const [trial, epochs] = await Promise.all([store.getTrial(s.id, n), store.epochs(s.id, n)]);
    if (!trial) throw new HttpError(404, `sweep "${s.id}" has no trial ${n}`);
    res.json({ trial, epochs });
  });

  r.get("/api/sweeps/:id/curves", async (req, res) => {
    const q = parseOr400(curvesQuerySchema, req.query, "query");
    const s = await sweepOr404(store, req.params.id);
    const curves = await Promise.all(
      q.trials.map(async (n) => {
        const [trial, epochs] = await Promise.all([store.getTrial(s.id, n), store.epochs(s.id, n)]);
        return trial ? { number: n, state: trial.state, epochs } : undefined;
      }),
    );
    res.json({ curves: curves.filter((c) => c !== undefined) });
  });
  return r;
}

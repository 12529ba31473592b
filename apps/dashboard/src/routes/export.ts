import express, { type Request, type Response, type Router } from "express";
import type { TrialRecord } from "@hyperq/protocol";
import { trialsToCsv, trialsToJson } from "../export.ts";
import { parseOr400 } from "../http-error.ts";
import { noQuerySchema } from "../schemas.ts";
import { publicSpec } from "../sweep-summary.ts";
import { sweepOr404, type RouteContext } from "./context.ts";

/** A sweep's trials as a download: `export.csv` and `export.json`. */
export function exportRouter(ctx: RouteContext): Router {
  const { store, cache } = ctx;
  const r = express.Router();
  const download = (format: "csv" | "json") => async (req: Request, res: Response) => {
    parseOr400(noQuerySchema, req.query, "query");
    const s = await sweepOr404(store, req.params.id);
    const trials: readonly TrialRecord[] = (await cache.snapshot(s.id)).trials;
    res.setHeader("Content-Disposition", `attachment; filename="${s.id}-trials.${format}"`);
    if (format === "csv") res.type("text/csv; charset=utf-8").send(trialsToCsv(s, trials));
    else res.type("application/json").send(trialsToJson({ ...s, spec: publicSpec(s.spec) }, trials));
  };
  r.get("/api/sweeps/:id/export.csv", download("csv"));
  r.get("/api/sweeps/:id/export.json", download("json"));
  return r;
}

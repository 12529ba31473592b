import express, { type Router } from "express";
import { z } from "zod";
import { isFinishedTrialState, parseTrialJobId } from "@hyperq/protocol";
import { isWorkerAlive, type WorkerInfo } from "@hyperq/store";
import { HttpError, parseOr400 } from "../http-error.ts";
import { noQuerySchema } from "../schemas.ts";
import type { RouteContext } from "./context.ts";

const workerIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, "a worker id is letters, digits and _ . : - (as `hyperq workers` lists them)");

/**
 * Workers: `GET /api/workers`, the registry, each worker with what it runs and whether it is alive
 * (heartbeat within `staleMs`); `POST /api/workers/:id/stop` asks one to finish its trials and leave
 * (behind the token).
 */
export function workersRouter(ctx: RouteContext, staleMs: number): Router {
  const { store, now, log, requireToken } = ctx;
  const r = express.Router();
  r.get("/api/workers", async (req, res) => {
    parseOr400(noQuerySchema, req.query, "query");
    const t = now();
    const workers = await store.listWorkers();
    // A worker re-announces after BullMQ's completion event, which follows the trial's finish in
    // the store: for a moment its list may still name a finished trial. Those are left out here.
    const finished = new Set<string>();
    await Promise.all(
      [...new Set(workers.flatMap((w) => w.current))].map(async (jobId) => {
        const ref = parseTrialJobId(jobId);
        const state = ref ? (await store.getTrial(ref.sweepId, ref.trialNumber))?.state : undefined;
        if (state !== undefined && isFinishedTrialState(state)) finished.add(jobId);
      }),
    );
    res.json({ workers: workers.map((w: WorkerInfo) => ({ ...w, current: w.current.filter((j) => !finished.has(j)), alive: isWorkerAlive(w, t, staleMs) })) });
  });

  r.post("/api/workers/:id/stop", requireToken, async (req, res) => {
    const id = parseOr400(workerIdSchema, req.params.id, "worker id");
    if (!(await store.requestWorkerStop(id))) throw new HttpError(404, `no worker "${id}" is registered`);
    log.info({ workerId: id }, "worker asked to stop from the dashboard");
    res.json({ ok: true, id });
  });
  return r;
}

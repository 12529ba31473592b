import { fileURLToPath } from "node:url";
import express, { type RequestHandler, type Router } from "express";
import { z } from "zod";
import type { SweepStore } from "@hyperq/store";
import { compareSweeps } from "./compare.ts";
import type { DashboardLogger } from "./log.ts";
import { describeZodError, sweepIdSchema } from "./schemas.ts";

export interface LifecycleRouteDeps {
  store: SweepStore;
  /** The dashboard's control guard: the token, as pause/resume/cancel need it. */
  requireToken: RequestHandler;
  log: DashboardLogger;
  /** Builds the error the dashboard's error handler answers with. */
  httpError: (status: number, message: string) => Error;
}

const PUBLIC_DIR = fileURLToPath(new URL("../public/", import.meta.url));

const extendBodySchema = z.strictObject({ budget: z.number().int().min(1).max(1_000_000) });
const workerIdSchema = z.string().regex(/^[A-Za-z0-9_.:-]{1,200}$/, "a worker id is letters, digits and _ . : - (as `hyperq workers` lists them)");
const compareQuerySchema = z.strictObject({
  sweeps: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(sweepIdSchema).min(2, "`sweeps` needs two or more sweep ids, comma-separated").max(20, "`sweeps` takes at most 20 ids")),
  token: z.string().optional(),
});

/**
 * The sweep-lifecycle part of the dashboard: extend a sweep's budget and stop a worker (both behind
 * the token), compare sweeps (`GET /api/compare?sweeps=a,b`, the page `/compare?sweeps=a,b`).
 */
export function lifecycleRoutes(deps: LifecycleRouteDeps): Router {
  const { store, requireToken, log, httpError } = deps;
  const r = express.Router();
  const parse = <S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> => {
    const p = schema.safeParse(value);
    if (!p.success) throw httpError(400, `bad ${what}: ${describeZodError(p.error)}`);
    return p.data;
  };

  r.get("/compare", (_req, res) => res.sendFile("compare.html", { root: PUBLIC_DIR }));

  r.get("/api/compare", async (req, res) => {
    const q = parse(compareQuerySchema, req.query, "query");
    try {
      res.json(await compareSweeps(store, q.sweeps));
    } catch (e) {
      throw httpError(404, (e as Error).message);
    }
  });

  r.post("/api/sweeps/:id/extend", requireToken, express.json({ limit: "1kb" }), async (req, res) => {
    const id = parse(sweepIdSchema, req.params.id, "sweep id");
    const { budget } = parse(extendBodySchema, req.body ?? {}, "body");
    const result = await store.extendSweep(id, budget);
    if (!result.ok) {
      if (result.reason === "missing") throw httpError(404, `no sweep "${id}"`);
      const s = await store.getSweep(id);
      const why = {
        cancelled: `sweep "${id}" was cancelled`,
        "below-created": `budget must be at least the ${s?.created ?? "?"} trials created, but got ${budget}`,
        "nothing-to-run": `sweep "${id}" is complete with ${s?.created ?? "?"} trials; budget must exceed that, but got ${budget}`,
      }[result.reason];
      throw httpError(409, `cannot extend: ${why}`);
    }
    log.info({ sweepId: id, budget, reopened: result.reopened }, "sweep budget set from the dashboard");
    res.json({ ok: true, id, budget: result.record.budget, state: result.record.state });
  });

  r.post("/api/workers/:id/stop", requireToken, async (req, res) => {
    const id = parse(workerIdSchema, req.params.id, "worker id");
    if (!(await store.requestWorkerStop(id))) throw httpError(404, `no worker "${id}" is registered`);
    log.info({ workerId: id }, "worker asked to stop from the dashboard");
    res.json({ ok: true, id });
  });
  return r;
}

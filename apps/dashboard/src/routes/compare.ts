import { fileURLToPath } from "node:url";
import express, { type Router } from "express";
import { z } from "zod";
import type { SweepStore } from "@hyperq/store";
import { compareSweeps } from "../compare.ts";
import { HttpError, parseOr400 } from "../http-error.ts";
import { sweepIdSchema } from "../schemas.ts";

const PUBLIC_DIR = fileURLToPath(new URL("../../public/", import.meta.url));

const compareQuerySchema = z.strictObject({
  sweeps: z
    .string()
    .transform((s) => s.split(",").filter(Boolean))
    .pipe(z.array(sweepIdSchema).min(2, "`sweeps` needs two or more sweep ids, comma-separated").max(20, "`sweeps` takes at most 20 ids")),
  token: z.string().optional(),
});

/** Sweeps side by side: `GET /api/compare?sweeps=a,b` and the page `/compare?sweeps=a,b`. */
export function compareRouter(store: SweepStore): Router {
  const r = express.Router();
  r.get("/compare", (_req, res) => res.sendFile("compare.html", { root: PUBLIC_DIR }));
  r.get("/api/compare", async (req, res) => {
    const q = parseOr400(compareQuerySchema, req.query, "query");
    try {
      res.json(await compareSweeps(store, q.sweeps));
    } catch (e) {
      throw new HttpError(404, (e as Error).message);
    }
  });
  return r;
}

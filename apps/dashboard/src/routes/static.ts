import { createRequire } from "node:module";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import express, { type Router } from "express";
import { sweepIdSchema } from "../schemas.ts";
import type { TrialCache } from "../trial-cache.ts";

const PUBLIC_DIR = fileURLToPath(new URL("../../public/", import.meta.url));
const UPLOT_DIR = `${dirname(createRequire(import.meta.url).resolve("uplot/package.json"))}/dist`;

/** The pages, their scripts, and uPlot straight from node_modules (no CDN). */
export function staticRouter(cache: TrialCache): Router {
  const r = express.Router();
  const staticOpts = { fallthrough: false, index: false, maxAge: "5m" } as const;
  r.use("/static", express.static(PUBLIC_DIR, staticOpts));
  r.use("/vendor/uplot", express.static(UPLOT_DIR, { ...staticOpts, maxAge: "1d" }));
  r.get("/", (_req, res) => res.sendFile("index.html", { root: PUBLIC_DIR }));
  r.get("/favicon.ico", (_req, res) => res.status(204).end());
  r.get("/sweeps/:id", (req, res) => {
    // Warm the trial cache while the browser loads the page's scripts.
    const id = sweepIdSchema.safeParse(req.params.id);
    if (id.success) void cache.snapshot(id.data).catch(() => {});
    res.sendFile("sweep.html", { root: PUBLIC_DIR });
  });
  return r;
}

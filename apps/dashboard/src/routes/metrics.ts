import express, { type Router } from "express";
import type { DashboardMetrics } from "../metrics.ts";

/** `GET /metrics`: the Prometheus text of the dashboard's metrics. */
export function metricsRouter(metrics: DashboardMetrics): Router {
  const r = express.Router();
  r.get("/metrics", metrics.handler());
  return r;
}

import { STATUS_CODES } from "node:http";
import type { ErrorRequestHandler, RequestHandler } from "express";
import { HttpError } from "../http-error.ts";
import type { DashboardLogger } from "../log.ts";

/** 404 with the method and path for anything under /api no router answered. */
export const apiNotFound: RequestHandler = (req, _res, next) => next(new HttpError(404, `no route ${req.method} ${req.originalUrl.split("?")[0] ?? ""}`));

/** Every error becomes `{ error }` with a status; only unexpected ones are logged, never sent. */
export function errorHandler(log: DashboardLogger): ErrorRequestHandler {
  return (err: unknown, req, res, _next) => {
    let status = 500;
    let message = "internal error";
    if (err instanceof HttpError) {
      status = err.status;
      message = err.message;
    } else if (typeof err === "object" && err !== null && "status" in err && typeof err.status === "number" && err.status >= 400 && err.status < 500) {
      // Express's own 4xx (a path-traversal attempt on the static files is send's 403): the status's name.
      status = err.status;
      message = (STATUS_CODES[status] ?? "bad request").toLowerCase();
    } else {
      log.error({ err: err instanceof Error ? (err.stack ?? err.message) : String(err), method: req.method, url: req.originalUrl }, "dashboard request failed");
    }
    if (res.headersSent) {
      res.end();
      return;
    }
    res.status(status).json({ error: message });
  };
}

import { createHash, timingSafeEqual } from "node:crypto";
import type { Request, RequestHandler } from "express";
import { HttpError } from "./http-error.ts";

/** Who may read and who may act, as `createServer` is given it. */
export interface AuthOptions {
  /**
   * The secret control actions require, sent in a header only (`Authorization: Bearer <token>` or
   * `X-HyperQ-Token`). Without one, control actions are refused (403).
   */
  token?: string | undefined;
  /** Reads need the token too (header, or `?token=` for pages and the event stream). @defaultValue false */
  tokenForReads?: boolean | undefined;
}

const digest = (s: string): Buffer => createHash("sha256").update(s).digest();

function tokenMatches(expected: string, given: string | undefined): boolean {
  return given !== undefined && timingSafeEqual(digest(expected), digest(given));
}

/** The token a request presents: in a header, or for reads (pages, downloads, the event stream) also as `?token=`. */
function presentedToken(req: Request, where: "header" | "header-or-query"): string | undefined {
  const auth = req.get("authorization");
  if (auth?.startsWith("Bearer ")) return auth.slice(7).trim();
  const h = req.get("x-hyperq-token");
  if (h) return h;
  const q = req.query.token;
  return where === "header-or-query" && typeof q === "string" ? q : undefined;
}

/** 421 for a Host header not in `allowedHosts` (without port): guards a localhost dashboard against DNS rebinding. */
export function hostGuard(allowedHosts: readonly string[]): RequestHandler {
  const allowed = new Set(allowedHosts.map((h) => h.toLowerCase()));
  return (req, _res, next) => {
    const host = (req.get("host") ?? "").toLowerCase().replace(/:\d+$/, "");
    if (!allowed.has(host)) return next(new HttpError(421, `this dashboard answers to ${[...allowed].join(", ")}, not "${host}"`));
    next();
  };
}

/**
 * With `tokenForReads`, every GET but the health check and the static assets needs the token
 * (header or `?token=`): 401 otherwise. Without it, reads are open.
 */
export function readGuard(opts: AuthOptions): RequestHandler {
  return (req, _res, next) => {
    if (opts.tokenForReads && req.method === "GET" && req.path !== "/api/health" && !req.path.startsWith("/static/") && !req.path.startsWith("/vendor/")) {
      if (!opts.token || !tokenMatches(opts.token, presentedToken(req, "header-or-query"))) return next(new HttpError(401, "this dashboard needs its token to read: open it with ?token=<HYPERQ_TOKEN>"));
    }
    next();
  };
}

/** The guard of control actions: the token in a header (never the URL), 403 when the dashboard has none. */
export function requireToken(opts: AuthOptions): RequestHandler {
  return (req, _res, next) => {
    if (!opts.token) return next(new HttpError(403, "control actions are disabled: start the dashboard with HYPERQ_TOKEN set"));
    if (!tokenMatches(opts.token, presentedToken(req, "header"))) return next(new HttpError(401, "control actions need the token in a header (Authorization: Bearer <HYPERQ_TOKEN>), never in the URL"));
    next();
  };
}

#!/usr/bin/env node
/**
 * The images' HEALTHCHECK: `healthcheck.mjs [path | url]`.
 * - With a URL (`http://127.0.0.1:8080/api/health`, the dashboard's): healthy when it answers 2xx.
 * - Otherwise asks the process in the container for `/readyz` (or the path given) on
 *   HYPERQ_HEALTH_PORT, where `hyperq worker|coordinator` serve their health endpoints; without
 *   HYPERQ_HEALTH_PORT (one-off CLI runs) there is nothing to probe: healthy.
 */
const arg = process.argv[2] ?? "/readyz";
let url;
if (/^https?:\/\//.test(arg)) url = arg;
else if (process.env.HYPERQ_HEALTH_PORT) url = `http://127.0.0.1:${process.env.HYPERQ_HEALTH_PORT}${arg}`;
else process.exit(0);
try {
  const r = await fetch(url, { signal: AbortSignal.timeout(4000) });
  process.exit(r.ok ? 0 : 1);
} catch {
  process.exit(1);
}

#!/usr/bin/env node
/**
 * The images' HEALTHCHECK: asks the process in the container for `/readyz` (or the path given) on
 * HYPERQ_HEALTH_PORT, where `hyperq worker|coordinator` serve their health endpoints. Without
 * HYPERQ_HEALTH_PORT (the dashboard, one-off CLI runs) there is nothing to probe: healthy.
 */
const port = process.env.HYPERQ_HEALTH_PORT;
if (!port) process.exit(0);
const path = process.argv[2] ?? "/readyz";
try {
  const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(4000) });
  process.exit(r.ok ? 0 : 1);
} catch {
  process.exit(1);
}

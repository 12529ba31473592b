/**
 * `hyperq worker --health-port` and `hyperq coordinator --health-port` as real processes on a Redis
 * of the test's own, which the test stops and starts again: ready while Redis answers, not ready
 * (but alive) while it does not, ready again once it is back.
 */
import { afterAll, describe, expect, it } from "vitest";
import { FaultDeployment, PrivateRedis, freePort } from "./fault-kit.ts";

interface Health {
  status: number;
  body: { ok: boolean; checks?: Record<string, string> };
}
const probe = async (port: number, path: string): Promise<Health | undefined> => {
  try {
    const r = await fetch(`http://127.0.0.1:${port}${path}`, { signal: AbortSignal.timeout(10_000) });
    return { status: r.status, body: (await r.json()) as Health["body"] };
  } catch {
    return undefined;
  }
};

describe("health endpoints of the worker and the coordinator", () => {
  let redis: PrivateRedis;
  let d: FaultDeployment;
  afterAll(async () => {
    await d?.stop();
    await redis?.destroy();
  });

  it("/readyz follows Redis and the registration; /healthz stays alive", async () => {
    redis = new PrivateRedis(await freePort());
    await redis.start();
    d = new FaultDeployment(redis.url);
    const [workerPort, coordinatorPort] = [await freePort(), await freePort()];
    d.start("worker", ["worker", "--health-port", String(workerPort)]);
    d.start("coordinator", ["coordinator", "--health-port", String(coordinatorPort)]);

    const ready = (port: number) => d.wait(`:${port}/readyz to be 200`, async () => ((await probe(port, "/readyz"))?.status === 200 ? true : undefined), 60_000);
    await ready(workerPort);
    await ready(coordinatorPort);
    expect((await probe(workerPort, "/readyz"))?.body).toEqual({ ok: true, checks: { redis: "ok", registered: "ok" } });
    expect((await probe(coordinatorPort, "/readyz"))?.body).toEqual({ ok: true, checks: { redis: "ok", loop: "ok" } });
    for (const port of [workerPort, coordinatorPort]) expect((await probe(port, "/healthz"))?.status).toBe(200);

    await redis.stop();
    for (const port of [workerPort, coordinatorPort]) {
      const down = await d.wait(`:${port}/readyz to be 503`, async () => {
        const h = await probe(port, "/readyz");
        return h?.status === 503 ? h : undefined;
      }, 30_000);
      expect(down.body.ok).toBe(false);
      expect(down.body.checks?.redis).not.toBe("ok");
      expect((await probe(port, "/healthz"))?.status).toBe(200);
    }

    await redis.start();
    await ready(workerPort);
    await ready(coordinatorPort);
  });
});

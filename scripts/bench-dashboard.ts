/**
 * Benchmarks the dashboard against a 10,000-trial sweep in Redis and prints a table:
 * leaderboard latency (p50/p95 over N requests of a page of 50, for several sorts and filters),
 * the sweep page in headless Chromium (time to first leaderboard rows, to charts drawn), and the
 * dashboard process's memory while it streams events (a shortened run of the one-hour claim).
 *
 *   pnpm bench:dashboard [-- --trials 10000 --requests 200 --stream-seconds 60 --events-per-second 200]
 *
 * Everything lives under a unique key prefix that is deleted at the end. The dashboard runs in a
 * child process (this same file with --serve) so its memory is its own.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { RedisSweepStore, connectRedis } from "../packages/store/src/index.ts";
import { startDashboard } from "../apps/dashboard/src/index.ts";
import { createFixtureSweep } from "../packages/store/src/testing/index.ts";

const { values } = parseArgs({
  // `pnpm <script> -- --flag` passes the `--` through.
  args: process.argv.slice(2).filter((a, i) => !(i === 0 && a === "--")),
  options: {
    serve: { type: "boolean", default: false },
    prefix: { type: "string" },
    redis: { type: "string", default: process.env.REDIS_URL ?? "redis://127.0.0.1:6379" },
    trials: { type: "string", default: "10000" },
    requests: { type: "string", default: "200" },
    "stream-seconds": { type: "string", default: "60" },
    "events-per-second": { type: "string", default: "200" },
    "sse-clients": { type: "string", default: "5" },
    chromium: { type: "string", default: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium" },
  },
});

if (values.serve) await serve();
else await bench();

/** Child mode: serve the dashboard for the given prefix until SIGTERM. */
async function serve(): Promise<void> {
  const redis = connectRedis(values.redis);
  const store = new RedisSweepStore(redis, { keyPrefix: values.prefix ?? "hq" });
  const d = await startDashboard({ store, port: 0, token: "bench" });
  process.stdout.write(JSON.stringify({ url: d.url, pid: process.pid }) + "\n");
  process.once("SIGTERM", () => {
    void d.close().then(async () => {
      await store.close();
      redis.disconnect();
      process.exit(0);
    });
  });
}

function pct(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)] ?? NaN;
}

async function timedGet(url: string): Promise<{ ms: number; status: number; bytes: number }> {
  const t0 = performance.now();
  const r = await fetch(url);
  const body = await r.arrayBuffer();
  return { ms: performance.now() - t0, status: r.status, bytes: body.byteLength };
}

async function bench(): Promise<void> {
  const load0 = loadavg();
  const prefix = values.prefix ?? `hqbench:${Date.now().toString(36)}`;
  const trials = Number(values.trials);
  const requests = Number(values.requests);
  const streamSeconds = Number(values["stream-seconds"]);
  const eventsPerSecond = Number(values["events-per-second"]);
  const redis = connectRedis(values.redis);
  const store = new RedisSweepStore(redis, { keyPrefix: prefix });
  const rows: [string, string][] = [];
  let child: ChildProcess | undefined;
  const profile = mkdtempSync(join(tmpdir(), "hq-bench-chromium-"));
  try {
    // 1. The fixture.
    const t0 = performance.now();
    const sweep = await createFixtureSweep(store, { trials, id: "bench" });
    rows.push(["fixture", `${trials} trials written through the store's verbs in ${((performance.now() - t0) / 1000).toFixed(1)} s (${sweep.counts.complete} complete, ${sweep.counts.pruned} pruned, ${sweep.counts.failed} failed)`]);

    // 2. The dashboard, in its own process.
    child = spawn(process.execPath, [...process.execArgv, new URL(import.meta.url).pathname, "--serve", "--prefix", prefix, "--redis", values.redis], { stdio: ["ignore", "pipe", "inherit"] });
    const { url, pid } = await new Promise<{ url: string; pid: number }>((resolve, reject) => {
      let buf = "";
      child?.stdout?.on("data", (c: Buffer) => {
        buf += c.toString();
        const line = buf.split("\n")[0];
        if (buf.includes("\n") && line) resolve(JSON.parse(line) as { url: string; pid: number });
      });
      child?.once("exit", (code) => reject(new Error(`dashboard exited with ${code}`)));
    });
    rows.push(["dashboard process", `pid ${pid}, ${url}`]);
    const health = async () => (await (await fetch(`${url}/api/health`)).json()) as { memory: { rssBytes: number; heapUsedBytes: number } };
    const mb = (b: number) => (b / 2 ** 20).toFixed(1);
    rows.push(["dashboard RSS at start", `${mb((await health()).memory.rssBytes)} MB`]);

    // 3. Leaderboard latency: a page of 50 at random offsets.
    const base = `${url}/api/sweeps/bench/trials`;
    const variants: [string, string][] = [
      ["rank, complete+pruned", "state=complete,pruned"],
      ["rank, every state (cache)", ""],
      ["sort valMae desc (cache)", "sort=valMae&dir=desc"],
      ["sort param.learning_rate, complete (cache)", "sort=param.learning_rate&state=complete"],
      ["filter running,failed (cache)", "state=running,failed"],
    ];
    // What a cold dashboard serves ranked pages from: the store's leaderboard, straight from Redis.
    const direct: number[] = [];
    for (let i = 0; i < requests; i++) {
      const offset = Math.floor(Math.random() * Math.max(1, trials / 2 / 50)) * 50;
      const s0 = performance.now();
      await store.leaderboard("bench", { offset, limit: 50 });
      direct.push(performance.now() - s0);
    }
    rows.push(["store.leaderboard page of 50 (Redis, no HTTP)", `p50 ${pct(direct, 50).toFixed(1)} ms, p95 ${pct(direct, 95).toFixed(1)} ms (n=${requests})`]);
    const cold = await timedGet(`${base}?sort=valMae&limit=50`);
    rows.push(["leaderboard first sorted request (loads 10k trials, or joins the preload)", `${cold.ms.toFixed(0)} ms`]);
    for (const [name, q] of variants) {
      const ms: number[] = [];
      for (let i = 0; i < requests; i++) {
        const offset = Math.floor(Math.random() * Math.max(1, trials / 2 / 50)) * 50;
        const r = await timedGet(`${base}?limit=50&offset=${offset}${q ? "&" + q : ""}`);
        if (r.status !== 200) throw new Error(`leaderboard answered ${r.status}`);
        ms.push(r.ms);
      }
      rows.push([`leaderboard API page of 50: ${name}`, `p50 ${pct(ms, 50).toFixed(1)} ms, p95 ${pct(ms, 95).toFixed(1)} ms, max ${Math.max(...ms).toFixed(1)} ms (n=${requests})`]);
    }
    const hist = await timedGet(`${url}/api/sweeps/bench/history`);
    rows.push(["history (all finished trials, columns)", `${hist.ms.toFixed(0)} ms, ${(hist.bytes / 1024).toFixed(0)} kB`]);

    // 4. The sweep page in Chromium.
    const { chromium } = await import("playwright-core");
    // A persistent context is how playwright takes a fresh --user-data-dir.
    const browser = await chromium.launchPersistentContext(profile, {
      executablePath: values.chromium,
      headless: true,
      viewport: { width: 1400, height: 1000 },
      args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    });
    try {
      const loads: { rows: number; charts: number; wall: number }[] = [];
      for (let i = 0; i < 4; i++) {
        const page = await browser.newPage();
        const w0 = performance.now();
        await page.goto(`${url}/sweeps/bench`);
        await page.waitForSelector("#leaderboard tbody tr[data-trial]");
        const wall = performance.now() - w0;
        await page.waitForFunction(() => performance.getEntriesByName("hq:charts").length > 0, null, { timeout: 30_000 });
        const marks = await page.evaluate(() => ({
          rows: performance.getEntriesByName("hq:first-rows")[0]?.startTime ?? NaN,
          charts: performance.getEntriesByName("hq:charts")[0]?.startTime ?? NaN,
        }));
        loads.push({ ...marks, wall });
        await page.close();
      }
      const [first, ...rest] = loads;
      const med = (xs: number[]) => pct(xs, 50);
      if (first) rows.push(["sweep page, first load: first rows / charts drawn", `${first.rows.toFixed(0)} ms / ${first.charts.toFixed(0)} ms (navigation start → performance mark)`]);
      rows.push(["sweep page, next loads (median of 3): first rows / charts drawn", `${med(rest.map((l) => l.rows)).toFixed(0)} ms / ${med(rest.map((l) => l.charts)).toFixed(0)} ms`]);

      // 5. Memory while streaming: real verbs on the fixture's running trials (trial.epoch events),
      // plus one new trial finished every 2 s; SSE clients and one open sweep page consume them.
      const running = (await store.trialsInState("bench", ["running"])).map((t) => ({ n: t.number, token: `bench#${t.number}/1/${t.workerId ?? ""}`, epoch: t.epochsReported }));
      const page = await browser.newPage();
      await page.goto(`${url}/sweeps/bench`);
      await page.waitForSelector("#leaderboard tbody tr[data-trial]");
      const sse: http.ClientRequest[] = [];
      let sseBytes = 0;
      for (let i = 0; i < Number(values["sse-clients"]); i++) {
        sse.push(http.get(`${url}/api/events?sweep=bench`, (res) => res.on("data", (c: Buffer) => (sseBytes += c.length))));
      }
      const samples: { t: number; rss: number; heap: number }[] = [];
      const start = performance.now();
      let sent = 0;
      let next = trials;
      const sampler = setInterval(() => {
        void health().then((h) => samples.push({ t: (performance.now() - start) / 1000, rss: h.memory.rssBytes, heap: h.memory.heapUsedBytes }));
      }, 2000);
      // Leaderboard latency while events stream (the cache changes under every request).
      const liveMs: number[] = [];
      let streaming = true;
      const prober = (async () => {
        while (streaming) {
          const r = await timedGet(`${base}?sort=valMae&dir=desc&limit=50`);
          if (r.status === 200) liveMs.push(r.ms);
          await new Promise((res) => setTimeout(res, 100));
        }
      })();
      const tickMs = 50;
      let lastFinish = 0;
      while (performance.now() - start < streamSeconds * 1000) {
        const tick = performance.now();
        const perTick = Math.max(1, Math.round((eventsPerSecond * tickMs) / 1000));
        const writes: Promise<unknown>[] = [];
        for (let k = 0; k < perTick; k++) {
          const r = running[sent % running.length];
          if (!r) break;
          r.epoch++;
          writes.push(store.reportEpoch("bench", r.n, r.token, { epoch: r.epoch, trainLoss: 0.03, valLoss: 0.03 + 0.01 / r.epoch, learningRate: 1e-3, durationMs: 5 }));
          sent++;
        }
        if (tick - lastFinish > 2000) {
          lastFinish = tick;
          const n = next++;
          writes.push(
            (async () => {
              await store.createTrial("bench", n, { variant: "multi", hidden_size: 64, num_layers: 2, dropout: 0.2, learning_rate: 0.003, batch_size: 32, seq_len: 30 }, n);
              await store.claimTrial("bench", n, { workerId: "bench-w", token: `t${n}` });
              await store.completeTrial("bench", n, `t${n}`, { valLoss: 0.02 + Math.random() * 0.02, valMae: 14, valRmse: 18, naiveMae: 14.2, meanMae: 200, maeRatio: 14 / 14.2, trainLoss: 0.02, bestEpoch: 1, epochs: 1, durationMs: 1000, backend: "cpu", workerId: "bench-w" });
              sent += 3;
            })(),
          );
        }
        await Promise.all(writes);
        await new Promise((r) => setTimeout(r, Math.max(0, tickMs - (performance.now() - tick))));
      }
      clearInterval(sampler);
      streaming = false;
      await prober;
      await new Promise((r) => setTimeout(r, 2500));
      const final = await health();
      samples.push({ t: (performance.now() - start) / 1000, rss: final.memory.rssBytes, heap: final.memory.heapUsedBytes });
      for (const s of sse) s.destroy();
      await page.close();
      // GC makes memory a sawtooth: compare its floor (the minimum) in the first and second halves.
      const floor = (key: "rss" | "heap", from: number, to: number) =>
        Math.min(...samples.filter((s) => s.t >= from && s.t < to).map((s) => s[key]));
      const half = streamSeconds / 2;
      const rssVals = samples.map((s) => s.rss);
      const heapVals = samples.map((s) => s.heap);
      rows.push(["streaming", `${streamSeconds} s, ${sent} events written (${(sent / streamSeconds).toFixed(0)}/s), ${values["sse-clients"]} SSE clients + 1 open sweep page; SSE bytes sent ${(sseBytes / 1024).toFixed(0)} kB`]);
      rows.push(["leaderboard sort valMae (cache) while streaming", `p50 ${pct(liveMs, 50).toFixed(1)} ms, p95 ${pct(liveMs, 95).toFixed(1)} ms, max ${Math.max(...liveMs).toFixed(1)} ms (n=${liveMs.length})`]);
      rows.push(["dashboard RSS while streaming", `first ${mb(rssVals[0] ?? 0)} MB, min ${mb(Math.min(...rssVals))} MB, max ${mb(Math.max(...rssVals))} MB, last ${mb(rssVals[rssVals.length - 1] ?? 0)} MB; floor 1st half ${mb(floor("rss", 0, half))} MB → 2nd half ${mb(floor("rss", half, Infinity))} MB`]);
      rows.push(["dashboard heap used while streaming", `min ${mb(Math.min(...heapVals))} MB, max ${mb(Math.max(...heapVals))} MB, last ${mb(heapVals[heapVals.length - 1] ?? 0)} MB; floor 1st half ${mb(floor("heap", 0, half))} MB → 2nd half ${mb(floor("heap", half, Infinity))} MB`]);
    } finally {
      await browser.close();
    }
  } finally {
    child?.kill("SIGTERM");
    rmSync(profile, { recursive: true, force: true });
    let cursor = "0";
    let deleted = 0;
    do {
      const [nextCursor, keys] = await redis.scan(cursor, "MATCH", `${prefix}:*`, "COUNT", 1000);
      cursor = nextCursor;
      if (keys.length) deleted += await redis.del(...keys);
    } while (cursor !== "0");
    await store.close();
    redis.disconnect();
    rows.push(["cleanup", `${deleted} keys under "${prefix}:" deleted`]);
    const w = Math.max(...rows.map(([k]) => k.length));
    console.log(`\nHyperQ dashboard benchmark (node ${process.version}, ${cpus().length} CPUs, 1-min load average ${load0[0]?.toFixed(1)} at start, ${loadavg()[0]?.toFixed(1)} at end, ${new Date().toISOString()})\n`);
    for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
  }
}

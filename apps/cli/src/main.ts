#!/usr/bin/env node
/**
 * `hyperq` — the composition root: parses config and flags once, wires the store, queue,
 * coordinator, worker and dashboard together, and turns user mistakes into one clear message.
 */
import { Command } from "commander";
import { Coordinator, TrialQueue } from "@hyperq/coordinator";
import { openQueueMetrics, startDashboard } from "@hyperq/dashboard";
import { startWorker } from "@hyperq/worker";
import { connectRedis } from "@hyperq/store";
import { UsageError, datasetLimit, loadConfig, type Config } from "./config.ts";
import { makeLogger, openStore, redactUrl, untilSignal } from "./runtime.ts";
import { intOption as int, withStore } from "./options.ts";
import { checkSpec, control, exportTrials, launch, printLeaderboard, printStatus, printSweeps, printWorkers, trialsText } from "./sweep-commands.ts";
import { evaluateTop } from "./evaluate.ts";
import { registerLifecycleCommands } from "./lifecycle-commands.ts";
import { registerDeleteCommand } from "./delete-command.ts";
import { exit, guardOutput } from "./exit.ts";
import { failureOf } from "./failure.ts";
import { registerModelCommands } from "./model-commands.ts";
import { checkGpuBackend } from "./gpu.ts";
import { coordinatorLoopCheck, redisCheck, startHealthServer, workerRegisteredCheck, type HealthServer } from "./health.ts";

export function buildProgram(config: Config): Command {
  const program = new Command("hyperq")
    .description("Distributed hyperparameter search for LSTM time-series forecasters (Redis + BullMQ + TensorFlow.js)")
    // Commander's errors end as one `hyperq: …` line, printed by main (see failure.ts).
    .exitOverride()
    .configureOutput({ outputError: () => undefined });

  const sweep = program.command("sweep").description("launch and manage sweeps");
  sweep
    .command("launch <spec>")
    .description("validate a sweep spec (YAML/JSON), store it, and follow its progress until it ends")
    .option("--detach", "print the sweep id and return at once", false)
    .option("--id <id>", "choose the sweep id (default: name + random suffix)")
    .option("--warm-start <sweep>", "that sweep's finished trials enter the history as observations (overrides `warmStartFrom`)")
    .action(async (spec: string, o: { detach: boolean; id?: string; warmStart?: string }) => {
      // Everything that can be wrong with the spec is found before Redis is touched.
      const checks = { datasetLimit: datasetLimit(config), ...(o.id === undefined ? {} : { id: o.id }) };
      await checkSpec(spec, checks);
      await withStore(config, async (store) => {
        await launch(store, spec, { ...checks, detach: o.detach, ...(o.warmStart === undefined ? {} : { warmStart: o.warmStart }) });
      });
    });
  sweep
    .command("validate <spec>")
    .description("check a sweep spec and its dataset without storing anything")
    .action(async (spec: string) => {
      const plan = await checkSpec(spec, { datasetLimit: datasetLimit(config) });
      process.stdout.write(`ok: ${plan.spec.method} search, ${trialsText(plan.spec, plan.budget)}, dataset ${plan.spec.dataset.name ?? plan.spec.dataset.path}\n`);
    });
  sweep.command("list").description("every sweep, newest first").action(() => withStore(config, printSweeps));
  sweep.command("status <sweep>").action((id: string) => withStore(config, (s) => printStatus(s, id)));
  sweep.command("pause <sweep>").description("no new trials; running ones finish").action((id: string) => withStore(config, (s) => control(s, id, "paused")));
  sweep.command("resume <sweep>").action((id: string) => withStore(config, (s) => control(s, id, "running")));
  sweep
    .command("cancel <sweep>")
    .description("waiting trials are dropped, running ones stop at their next epoch")
    .action((id: string) => withStore(config, (s) => control(s, id, "cancelled")));
  sweep
    .command("export <sweep>")
    .description("every trial with its parameters and metrics")
    .option("--format <format>", "csv | json", "csv")
    .option("-o, --out <file>", "write to a file instead of stdout")
    .action((id: string, o: { format: string; out?: string }) => {
      if (o.format !== "csv" && o.format !== "json") throw new UsageError(`--format must be csv or json, but got ${JSON.stringify(o.format)}`);
      return withStore(config, (s) => exportTrials(s, id, o.format as "csv" | "json", o.out));
    });
  registerDeleteCommand(sweep, config);
  sweep
    .command("evaluate <sweep>")
    .description("retrain the best trials with their seeds and score them on the held-out test part")
    .option("--top <k>", "how many of the best trials", int("--top", 1), 3)
    .action((id: string, o: { top: number }) => withStore(config, (s) => evaluateTop(s, id, o.top, config)));

  program
    .command("leaderboard <sweep>")
    .description("the ranked trials of a sweep")
    .option("-n, --limit <n>", "rows", int("--limit", 1), 20)
    .action((id: string, o: { limit: number }) => withStore(config, (s) => printLeaderboard(s, id, o.limit)));

  registerModelCommands(program, config);

  program.command("workers").description("workers that announced themselves, alive or dead").action(() => withStore(config, (s) => printWorkers(s)));
  registerLifecycleCommands(program, config);

  program
    .command("worker")
    .description("train trials from the queue until stopped (Ctrl-C: finish or hand back running trials)")
    .option("-c, --concurrency <n>", "trials at once, one process each", int("--concurrency", 1), config.HYPERQ_WORKER_CONCURRENCY)
    .option("--backend <name>", "tensorflow-gpu | tensorflow | wasm | cpu", config.HYPERQ_BACKEND)
    .option("--exit-when-idle <seconds>", "leave after this long with no trial to run", int("--exit-when-idle", 1))
    .option("--max-trials <n>", "leave after running n trials", int("--max-trials", 1))
    .option("--health-port <port>", "serve /healthz and /readyz (Redis reachable, worker registered) on this port (HYPERQ_HEALTH_PORT)", int("--health-port", 1), config.HYPERQ_HEALTH_PORT)
    .action(async (o: { concurrency: number; backend?: string; exitWhenIdle?: number; maxTrials?: number; healthPort?: number }) => {
      const log = makeLogger(config, "worker");
      const gpus = checkGpuBackend(o.backend);
      if (gpus.length > 0) log.info({ gpus: gpus.map((g) => `${g.index}: ${g.name}`) }, "GPUs visible");
      const s = await openStore(config); // fail fast with a clear message when Redis is down
      if (o.healthPort === undefined) await s.close();
      // Served from the start (a port in use stops the worker before it takes a trial); ready once registered.
      const started: { workerId?: string } = {};
      let health: HealthServer | undefined;
      if (o.healthPort !== undefined) {
        const registered = async () => (started.workerId === undefined ? "the worker is starting" : workerRegisteredCheck(s.store, started.workerId)());
        health = await startHealthServer({ port: o.healthPort, ready: { redis: redisCheck(s.redis), registered } });
        log.info({ port: health.port }, "health endpoints: /healthz, /readyz");
      }
      const w = await startWorker({
        redisUrl: config.REDIS_URL,
        keyPrefix: config.HYPERQ_PREFIX,
        concurrency: o.concurrency,
        log,
        lockDurationMs: config.HYPERQ_LOCK_MS,
        stalledIntervalMs: config.HYPERQ_STALLED_INTERVAL_MS,
        logLevel: config.HYPERQ_LOG_LEVEL,
        trialThreads: config.HYPERQ_TRIAL_THREADS,
        ...(o.backend ? { backend: o.backend } : {}),
        ...(o.exitWhenIdle === undefined ? {} : { exitWhenIdleMs: o.exitWhenIdle * 1000 }),
        ...(o.maxTrials === undefined ? {} : { maxTrials: o.maxTrials }),
      });
      started.workerId = w.id;
      const why = await Promise.race([untilSignal(), w.leaving]);
      log.info({ reason: why }, "stopping");
      // A second signal stops at once.
      const closing = w.close(config.HYPERQ_GRACE_S * 1000);
      await Promise.race([closing, untilSignal().then(() => w.close(0))]);
      await health?.close();
      if (o.healthPort !== undefined) await s.close();
    });

  program
    .command("coordinator")
    .description("drive every active sweep until stopped")
    .option("--health-port <port>", "serve /healthz and /readyz (Redis reachable, loop running) on this port (HYPERQ_HEALTH_PORT)", int("--health-port", 1), config.HYPERQ_HEALTH_PORT)
    .action(async (o: { healthPort?: number }) => {
      const log = makeLogger(config, "coordinator");
      const { store, redis, close } = await openStore(config);
      const queue = new TrialQueue({ connection: connectRedis(config.REDIS_URL), keyPrefix: config.HYPERQ_PREFIX });
      const c = new Coordinator({ store, queue, log });
      c.start();
      const health =
        o.healthPort === undefined ? undefined : await startHealthServer({ port: o.healthPort, ready: { redis: redisCheck(redis), loop: coordinatorLoopCheck(() => c.lastPassAt) } });
      log.info({ redis: redactUrl(config.REDIS_URL), prefix: config.HYPERQ_PREFIX, healthPort: health?.port }, "coordinator ready");
      await untilSignal();
      await health?.close();
      await c.stop();
      await queue.close();
      await close();
    });

  program
    .command("dashboard")
    .description("serve the live leaderboard")
    .option("-p, --port <port>", "port (0: any free one)", int("--port", 0, 65535), config.HYPERQ_DASHBOARD_PORT)
    .option("--host <host>", "address to bind (loopback unless told otherwise)", config.HYPERQ_DASHBOARD_HOST)
    .option("--insecure", "serve beyond localhost without HYPERQ_TOKEN (anyone who reaches it reads every sweep)", false)
    .action(async (o: { port: number; host: string; insecure: boolean }) => {
      const log = makeLogger(config, "dashboard");
      const { store, close } = await openStore(config);
      const queue = openQueueMetrics(config.REDIS_URL, config.HYPERQ_PREFIX);
      const metrics = { queue, queueLabels: { prefix: config.HYPERQ_PREFIX } };
      const d = await startDashboard({ store, port: o.port, host: o.host, log, insecure: o.insecure, metrics, ...(config.HYPERQ_TOKEN ? { token: config.HYPERQ_TOKEN } : {}) }).catch(async (e: unknown) => {
        await queue.close();
        await close();
        throw e;
      });
      log.info({ url: d.url, control: config.HYPERQ_TOKEN ? "token" : "disabled (set HYPERQ_TOKEN)" }, "dashboard listening");
      process.stdout.write(`dashboard: ${d.url}\n`);
      await untilSignal();
      await d.close();
      await queue.close();
      await close();
    });
  return program;
}

async function main(): Promise<void> {
  guardOutput();
  try {
    const config = loadConfig();
    await buildProgram(config).parseAsync(process.argv);
    await exit(0);
  } catch (e) {
    const f = failureOf(e);
    await exit(f.code, f.message);
  }
}

await main();

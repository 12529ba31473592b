/**
 * `GET /metrics`: HyperQ in the Prometheus text format, for Prometheus, Grafana and autoscalers.
 *
 * Two kinds of figures:
 * - read from the store at each scrape (the truth, whichever process wrote it): sweeps by state,
 *   trials by state per sweep, `hyperq_trials_wanted`, live workers and their running trials,
 *   and BullMQ's own queue metrics (`Queue.exportPrometheusMetrics`);
 * - counted from the event stream since this dashboard started (counters and histograms, as
 *   Prometheus expects: `rate()` and `histogram_quantile()` work across restarts): trial and
 *   epoch durations, samples trained and trials finished per worker, the samplers' ask latency.
 *
 * ```ts
 * const metrics = new DashboardMetrics({ store, hub: app.dashboard.hub, queue });
 * app.get("/metrics", metrics.handler());
 * ```
 */
import type { RequestHandler } from "express";
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from "prom-client";
import { SWEEP_STATES, TRIAL_STATES, type StoredEvent } from "@hyperq/protocol";
import { WORKER_ALIVE_MS, finishedCount, isWorkerAlive, type SweepRecord, type SweepStore } from "@hyperq/store";
import type { EventHub } from "./event-hub.ts";

/** BullMQ's `Queue` as far as metrics go. */
export interface QueueMetricsSource {
  exportPrometheusMetrics(globalVariables?: Record<string, string>): Promise<string>;
}

export interface DashboardMetricsOptions {
  store: SweepStore;
  /** The dashboard's one event reader (`app.dashboard.hub`). */
  hub: EventHub;
  /** The `trials` queue; its job counts are appended to the output. */
  queue?: QueueMetricsSource;
  /** Labels added to BullMQ's metrics (e.g. the key prefix of this deployment). */
  queueLabels?: Record<string, string>;
  /** A worker whose last heartbeat is older is not counted. @defaultValue WORKER_ALIVE_MS (15000) */
  workerStaleMs?: number;
  /** Finished sweeps keep their per-sweep trial series this long after they end. @defaultValue 3600000 (1 h) */
  finishedSweepsMs?: number;
  /** @defaultValue Date.now */
  now?: () => number;
}

/**
 * The worker slots the sweeps want now: for each running sweep, the trials it would have in flight
 * if workers were free — `parallelism`, or fewer when less of its budget is left — and for each
 * paused sweep the trials still running. Running trials count (they occupy a worker), so an
 * autoscaler following this figure never removes a worker that is training.
 */
export function trialsWanted(sweeps: readonly SweepRecord[]): number {
  let wanted = 0;
  for (const s of sweeps) {
    const finished = finishedCount(s.counts);
    if (s.state === "running") wanted += Math.max(0, Math.min(s.spec.parallelism, s.budget - finished));
    else if (s.state === "paused") wanted += s.counts.running;
  }
  return wanted;
}

const DURATION_BUCKETS_S = [0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200];
const ASK_BUCKETS_S = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

export class DashboardMetrics {
  /** Every HyperQ metric and the dashboard process's own (`hyperq_dashboard_process_*`, `…_nodejs_*`). */
  readonly registry = new Registry();
  private readonly opts: DashboardMetricsOptions;
  private readonly unsubscribe: () => void;
  /** Who runs each started trial, until it finishes (epoch events do not name the worker). */
  private readonly running = new Map<string, { workerId: string; startedAt: number }>();
  /** Workers with a samples/s figure (dropped once their heartbeat stops). */
  private readonly rateWorkers = new Set<string>();
  /** The sweeps read once for the scrape in progress. */
  private scrapeSweeps: Promise<SweepRecord[]> | undefined;

  private readonly trialDuration = new Histogram({
    name: "hyperq_trial_duration_seconds",
    help: "Wall time of finished trials, from start to result, by final state",
    labelNames: ["state"] as const,
    buckets: DURATION_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly epochDuration = new Histogram({
    name: "hyperq_epoch_duration_seconds",
    help: "Wall time of one training epoch (training and validation)",
    buckets: DURATION_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly askDuration = new Histogram({
    name: "hyperq_sampler_ask_seconds",
    help: "Time the coordinator's sampler took to propose a batch of trials, by method",
    labelNames: ["method"] as const,
    buckets: ASK_BUCKETS_S,
    registers: [this.registry],
  });
  private readonly samplesTotal = new Counter({
    name: "hyperq_worker_samples_total",
    help: "Training samples processed, by worker (rate() gives samples/s)",
    labelNames: ["worker"] as const,
    registers: [this.registry],
  });
  private readonly samplesPerSecond = new Gauge({
    name: "hyperq_worker_samples_per_second",
    help: "Training samples/s of the last epoch each worker reported",
    labelNames: ["worker"] as const,
    registers: [this.registry],
  });
  private readonly trialsFinished = new Counter({
    name: "hyperq_worker_trials_total",
    help: "Trials finished, by worker and final state",
    labelNames: ["worker", "state"] as const,
    registers: [this.registry],
  });

  constructor(opts: DashboardMetricsOptions) {
    this.opts = opts;
    const now = opts.now ?? Date.now;
    const { store } = opts;
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: "hyperq_dashboard_" });

    // Read from the store at each scrape; the sweep gauges share one listSweeps (see render).
    const sweepsNow = async () => ({ sweeps: await (this.scrapeSweeps ?? store.listSweeps()) });
    new Gauge({
      name: "hyperq_sweeps",
      help: "Sweeps by state",
      labelNames: ["state"] as const,
      registers,
      async collect() {
        const { sweeps } = await sweepsNow();
        for (const state of SWEEP_STATES) this.set({ state }, sweeps.filter((s) => s.state === state).length);
      },
    });
    const finishedSweepsMs = opts.finishedSweepsMs ?? 3_600_000;
    new Gauge({
      name: "hyperq_trials",
      help: "Trials by state, per sweep (running and paused sweeps, and those finished within the last hour)",
      labelNames: ["sweep", "state"] as const,
      registers,
      async collect() {
        const { sweeps } = await sweepsNow();
        this.reset();
        const t = now();
        for (const s of sweeps) {
          if (s.finishedAt !== undefined && t - s.finishedAt > finishedSweepsMs) continue;
          for (const state of TRIAL_STATES) this.set({ sweep: s.id, state }, s.counts[state]);
        }
      },
    });
    new Gauge({
      name: "hyperq_trials_wanted",
      help: "Worker slots the sweeps want now: trials the running sweeps would have in flight if workers were free (up to parallelism, running ones included); scale workers on this",
      registers,
      async collect() {
        this.set(trialsWanted((await sweepsNow()).sweeps));
      },
    });
    const staleMs = opts.workerStaleMs ?? WORKER_ALIVE_MS;
    new Gauge({
      name: "hyperq_workers",
      help: "Workers whose heartbeat is recent",
      registers,
      async collect() {
        const alive = (await store.listWorkers()).filter((w) => isWorkerAlive(w, now(), staleMs));
        this.set(alive.length);
      },
    });
    const rates = this.samplesPerSecond;
    const rateWorkers = this.rateWorkers;
    new Gauge({
      name: "hyperq_worker_trials_running",
      help: "Trials each live worker is training now",
      labelNames: ["worker"] as const,
      registers,
      async collect() {
        this.reset();
        const alive = new Set<string>();
        for (const w of await store.listWorkers()) {
          if (!isWorkerAlive(w, now(), staleMs)) continue;
          alive.add(w.id);
          this.set({ worker: w.id }, w.current.length);
        }
        // A gone worker's last throughput is not a current figure.
        for (const id of rateWorkers) {
          if (alive.has(id)) continue;
          rates.remove({ worker: id });
          rateWorkers.delete(id);
        }
      },
    });

    this.unsubscribe = opts.hub.subscribe(
      (events) => this.observe(events),
      () => this.running.clear(),
    );
  }

  private observe(events: readonly StoredEvent[]): void {
    for (const e of events) {
      switch (e.type) {
        case "trial.started":
          this.running.set(`${e.sweepId}#${e.trial}`, { workerId: e.workerId, startedAt: e.at });
          break;
        case "trial.epoch": {
          this.epochDuration.observe(e.report.durationMs / 1000);
          const worker = this.running.get(`${e.sweepId}#${e.trial}`)?.workerId;
          if (worker !== undefined && e.report.samples !== undefined) {
            this.samplesTotal.inc({ worker }, e.report.samples);
            if (e.report.durationMs > 0) {
              this.samplesPerSecond.set({ worker }, e.report.samples / (e.report.durationMs / 1000));
              this.rateWorkers.add(worker);
            }
          }
          break;
        }
        case "trial.finished": {
          const key = `${e.sweepId}#${e.trial}`;
          const run = this.running.get(key);
          this.running.delete(key);
          if (run === undefined) break; // started before this dashboard: its duration is unknown here
          this.trialDuration.observe({ state: e.state }, Math.max(0, e.at - run.startedAt) / 1000);
          this.trialsFinished.inc({ worker: run.workerId, state: e.state });
          break;
        }
        case "sampler.asked":
          this.askDuration.observe({ method: e.method }, e.askMs / 1000);
          break;
        default:
          break;
      }
    }
  }

  /** The whole exposition: HyperQ's registry, then BullMQ's queue metrics. */
  async render(): Promise<string> {
    this.scrapeSweeps = this.opts.store.listSweeps();
    let own: string;
    try {
      own = await this.registry.metrics();
    } finally {
      this.scrapeSweeps = undefined;
    }
    const queue = this.opts.queue ? await this.opts.queue.exportPrometheusMetrics(this.opts.queueLabels) : "";
    return queue ? `${own.trimEnd()}\n${queue.trimEnd()}\n` : own;
  }

  /** The express route; a failed scrape answers 503 with one line (Prometheus marks the target down). */
  handler(): RequestHandler {
    return (_req, res) => {
      this.render().then(
        (body) => res.type(this.registry.contentType).send(body),
        (e: unknown) => res.status(503).type("text/plain").send(`metrics unavailable: ${e instanceof Error ? e.message : String(e)}\n`),
      );
    };
  }

  /** Stops following events (the hub and store stay open). */
  close(): void {
    this.unsubscribe();
  }
}

/**
 * Sample-efficiency benchmark of the HyperQ samplers: best-so-far regret after `--budget` trials,
 * mean and median over `--seeds` seeds, per sampler and objective, with the median and p95 time of
 * one `ask`. A command, not a test.
 *
 *   pnpm bench:search                                   # 50 trials, 20 seeds, random + gp
 *   pnpm bench:search --budget 30 --seeds 5 --functions branin --samplers gp
 *   pnpm bench:search --pending 4                       # 4 suggestions always outstanding
 *   pnpm bench:search --objective ./my-objective.mjs    # exports name, space, minimum, evaluate
 *   pnpm bench:search --scaling                         # time one GP suggestion at 100 and 1000 observations (6-d)
 *   pnpm bench:search --optuna                          # also run ../shared/bench/optuna_ref.py (same sitting)
 *   pnpm bench:search --warm-start 20                   # also each sampler warm-started from a 20-trial run of itself (another seed)
 *   pnpm bench:search --json                            # JSON lines instead of a table
 *   pnpm bench:search --noise 0.1,0.3 --functions hartmann6 --optuna   # noisy observations, sd 0.1 and 0.3
 *   pnpm bench:search --noise 10%,30% --functions lstm-shaped          # sd as a fraction of the function's range
 *
 * With `--noise`, each observation gets Gaussian noise and a run's regret is the TRUE value of the
 * configuration the sampler recommends at the end (see `scripts/bench-search-noisy.ts`).
 */
import { existsSync } from "node:fs";
import { dirname, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import { parseArgs } from "node:util";
import { searchSpaceSchema } from "../packages/protocol/src/index.ts";
import type { ParamAssignment } from "../packages/protocol/src/index.ts";
import { createSampler, RandomSampler } from "../packages/search/src/index.ts";
import type { TrialView } from "../packages/search/src/index.ts";
import { BENCH_FUNCTIONS, hartmann6, lstmShaped, parseNoise, runSampler } from "../packages/search/src/bench/index.ts";
import type { BenchObjective } from "../packages/search/src/bench/index.ts";
import { noisyBench } from "./bench-search-noisy.ts";
import { pythonJsonLines } from "./lib/python-ref.ts";

interface Row {
  function: string;
  sampler: string;
  budget: number;
  seeds: number;
  pending: number;
  mean_regret: number;
  median_regret: number;
  ask_ms_median?: number;
  ask_ms_p95?: number;
  /** CPU time of the process per ask (user + system): less sensitive than wall time to a loaded machine. */
  ask_cpu_ms_median?: number;
  duplicates?: number;
  notes?: number;
  seconds_per_run?: number;
}

const { values } = parseArgs({
  options: {
    budget: { type: "string", default: "50" },
    seeds: { type: "string", default: "20" },
    samplers: { type: "string", default: "random,gp" },
    functions: { type: "string", default: [...BENCH_FUNCTIONS, lstmShaped].map((f) => f.name).join(",") },
    pending: { type: "string", default: "1" },
    objective: { type: "string", multiple: true, default: [] },
    json: { type: "boolean", default: false },
    scaling: { type: "boolean", default: false },
    optuna: { type: "boolean", default: false },
    "warm-start": { type: "string" },
    noise: { type: "string" },
  },
});

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

function positiveInt(name: string, raw: string | undefined): number {
  const v = Number(raw);
  if (!Number.isInteger(v) || v < 1) throw new Error(`--${name} must be a positive integer, but got ${JSON.stringify(raw)}`);
  return v;
}

async function loadObjective(file: string): Promise<BenchObjective> {
  const mod = (await import(pathToFileURL(resolve(file)).href)) as Record<string, unknown>;
  const src = (mod.default && typeof mod.default === "object" ? mod.default : mod) as Record<string, unknown>;
  const { name, space, minimum, evaluate } = src;
  if (typeof name !== "string" || typeof minimum !== "number" || typeof evaluate !== "function") {
    throw new Error(`${file} must export \`name\` (string), \`space\` (search space), \`minimum\` (number) and \`evaluate(params)\` (function)`);
  }
  const parsed = searchSpaceSchema.safeParse(space);
  if (!parsed.success) throw new Error(`${file}: invalid \`space\`: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
  const f = evaluate as (p: ParamAssignment) => number;
  return { name, space: parsed.data, minimum, evaluate: (p) => Number(f(p)) };
}

function fmt(v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return "—";
  if (v === 0) return "0";
  const a = Math.abs(v);
  return a >= 1000 || a < 1e-2 ? v.toExponential(2) : v.toPrecision(3);
}

function printTable(rows: readonly Row[]): void {
  const head = ["function", "sampler", "budget", "seeds", "pending", "mean regret", "median regret", "ask ms p50", "ask ms p95", "ask cpu ms p50", "dups"];
  const body = rows.map((r) => [r.function, r.sampler, String(r.budget), String(r.seeds), String(r.pending), fmt(r.mean_regret), fmt(r.median_regret), fmt(r.ask_ms_median), fmt(r.ask_ms_p95), fmt(r.ask_cpu_ms_median), r.duplicates === undefined ? "—" : String(r.duplicates)]);
  const widths = head.map((h, i) => Math.max(h.length, ...body.map((b) => (b[i] as string).length)));
  const line = (cells: string[]) => "| " + cells.map((c, i) => c.padEnd(widths[i] as number)).join(" | ") + " |";
  console.log(line(head));
  console.log("|" + widths.map((w) => "-".repeat(w + 2)).join("|") + "|");
  for (const b of body) console.log(line(b));
}

function scalingRows(): Row[] {
  const rows: Row[] = [];
  for (const n of [100, 1000]) {
    const trials: TrialView[] = [];
    const rnd = new RandomSampler();
    const params = rnd.ask({ space: hartmann6.space, trials: [], seed: 7, trialNumbers: Array.from({ length: n }, (_, i) => i), budget: n + 10 }).suggestions;
    params.forEach((p, i) => trials.push({ number: i, state: "complete", params: p, value: hartmann6.evaluate(p) }));
    const gp = createSampler("gp");
    const ms: number[] = [];
    const cpu: number[] = [];
    const reps = n <= 100 ? 21 : 5;
    // One untimed ask first: a coordinator is long-lived, and V8 compiles the hot loops (and the
    // WebAssembly module is instantiated) on first use.
    gp.ask({ space: hartmann6.space, trials, seed: 1000, trialNumbers: [n], budget: n + 10 });
    for (let r = 0; r < reps; r++) {
      const t0 = performance.now();
      const c0 = process.cpuUsage();
      gp.ask({ space: hartmann6.space, trials, seed: r, trialNumbers: [n], budget: n + 10 });
      const c = process.cpuUsage(c0);
      ms.push(performance.now() - t0);
      cpu.push((c.user + c.system) / 1000);
    }
    ms.sort((a, b) => a - b);
    cpu.sort((a, b) => a - b);
    rows.push({ function: `scaling:hartmann6 n=${n}`, sampler: "gp", budget: n + 1, seeds: reps, pending: 1, mean_regret: NaN, median_regret: NaN, ask_ms_median: quantile(ms, 0.5), ask_ms_p95: quantile(ms, 0.95), ask_cpu_ms_median: quantile(cpu, 0.5) });
  }
  return rows;
}

function optunaRows(budget: number, seeds: number): Row[] {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), "../../shared/bench/optuna_ref.py");
  if (!existsSync(script)) {
    console.error(`optuna_ref.py not found at ${script}`);
    return [];
  }
  type OptunaRow = { function: string; sampler: string; mean_regret: number; median_regret: number; seconds_per_run: number };
  return pythonJsonLines<OptunaRow>(script, [String(budget), String(seeds)]).map((o) => ({
    function: o.function,
    sampler: o.sampler,
    budget,
    seeds,
    pending: 1,
    mean_regret: o.mean_regret,
    median_regret: o.median_regret,
    seconds_per_run: o.seconds_per_run,
  }));
}

async function main(): Promise<void> {
  const budget = positiveInt("budget", values.budget);
  const seeds = positiveInt("seeds", values.seeds);
  const pending = positiveInt("pending", values.pending);
  const samplerNames = (values.samplers ?? "").split(",").filter(Boolean);
  for (const s of samplerNames) if (s !== "grid" && s !== "random" && s !== "gp") throw new Error(`--samplers takes grid, random, gp; got "${s}"`);
  const wanted = (values.functions ?? "").split(",").filter(Boolean);
  const objectives: BenchObjective[] = [];
  for (const name of wanted) {
    const f = [...BENCH_FUNCTIONS, lstmShaped].find((x) => x.name === name);
    if (!f) throw new Error(`unknown function "${name}"; known: ${[...BENCH_FUNCTIONS, lstmShaped].map((x) => x.name).join(", ")}`);
    objectives.push(f);
  }
  for (const file of values.objective ?? []) objectives.push(await loadObjective(file));

  const rows: Row[] = [];
  const emit = (r: Row) => {
    rows.push(r);
    if (values.json) console.log(JSON.stringify(r));
    else console.error(`  ${r.function} ${r.sampler}: mean regret ${fmt(r.mean_regret)}`);
  };
  if (values.noise !== undefined) {
    const levels = values.noise.split(",").map(parseNoise);
    noisyBench(objectives, { budget, seeds, pending, samplers: samplerNames, levels, optuna: values.optuna ?? false, emit: (r) => emit({ ...r, function: `${r.function} noise=${r.noise}` }) });
    if (!values.json) printTable(rows);
    return;
  }
  const warmTrials = values["warm-start"] === undefined ? 0 : positiveInt("warm-start", values["warm-start"]);
  // Each sampler cold, then (with --warm-start n) warm-started from an n-trial run of itself with
  // another seed: its finished trials are observations; the regret counts the new trials only.
  const variants = samplerNames.flatMap((s) => [{ s, warm: 0 }, ...(warmTrials ? [{ s, warm: warmTrials }] : [])]);
  for (const f of objectives) {
    for (const { s, warm } of variants) {
      const regrets: number[] = [];
      const asks: number[] = [];
      let duplicates = 0;
      let notes = 0;
      const t0 = performance.now();
      let skipped = false;
      for (let seed = 0; seed < seeds && !skipped; seed++) {
        try {
          const method = s as "grid" | "random" | "gp";
          const observations = warm
            ? runSampler(createSampler(method), f, { budget: warm, seed: seed + 10_000, pending, now: () => performance.now() }).trials.map((t) => ({ params: t.params, value: t.value as number }))
            : undefined;
          const r = runSampler(createSampler(method), f, { budget, seed, pending, now: () => performance.now(), ...(observations ? { observations } : {}) });
          regrets.push(r.regret.at(-1) ?? NaN);
          asks.push(...r.askMs);
          duplicates += r.duplicates;
          notes += r.notes.length;
        } catch (e) {
          console.error(`  ${f.name} ${s}: skipped (${(e as Error).message})`);
          skipped = true;
        }
      }
      if (skipped) continue;
      regrets.sort((a, b) => a - b);
      asks.sort((a, b) => a - b);
      emit({
        function: f.name,
        sampler: warm ? `${s} warm(${warm})` : s,
        budget,
        seeds,
        pending,
        mean_regret: regrets.reduce((a, b) => a + b, 0) / regrets.length,
        median_regret: quantile(regrets, 0.5),
        ask_ms_median: quantile(asks, 0.5),
        ask_ms_p95: quantile(asks, 0.95),
        duplicates,
        notes,
        seconds_per_run: (performance.now() - t0) / 1000 / seeds,
      });
    }
  }
  if (values.scaling) for (const r of scalingRows()) emit(r);
  if (values.optuna) for (const r of optunaRows(budget, seeds)) emit(r);
  if (!values.json) printTable(rows);
}

main().catch((e: unknown) => {
  console.error((e as Error).message);
  process.exit(1);
});

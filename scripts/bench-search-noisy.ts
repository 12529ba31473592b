/**
 * The noisy part of `pnpm bench:search --noise <levels>`: each objective observed with Gaussian
 * noise, and each run scored by the TRUE value of the configuration the sampler recommends at
 * the end (`recommend`: the GP's lowest posterior mean over the finished trials, the best
 * observed for the others), so a lucky draw does not count. `--optuna` runs
 * `scripts/optuna_noisy_ref.py` with the same noise standard deviations and the same scoring
 * (Optuna's best observed trial, scored by its true value).
 */
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { createSampler } from "../packages/search/src/index.ts";
import { pythonJsonLines } from "./lib/python-ref.ts";
import { formatNoise, noiseSd, runNoisy } from "../packages/search/src/bench/index.ts";
import type { BenchObjective, NoiseLevel } from "../packages/search/src/bench/index.ts";

/** One row of the noisy table (the fields `bench-search.ts` prints, plus the noise). */
export interface NoisyRow {
  function: string;
  sampler: string;
  budget: number;
  seeds: number;
  pending: number;
  noise: string;
  noise_sd: number;
  /** Mean over seeds of the true regret of the recommended configuration. */
  mean_regret: number;
  median_regret: number;
  /** Mean over seeds of the true regret of the best observed configuration. */
  mean_regret_best_observed?: number;
  ask_ms_median?: number;
  ask_ms_p95?: number;
  notes?: number;
  seconds_per_run?: number;
}

export interface NoisyBenchOptions {
  budget: number;
  seeds: number;
  pending: number;
  samplers: readonly string[];
  levels: readonly NoiseLevel[];
  optuna: boolean;
  /** Called with each row as soon as it is measured. */
  emit: (row: NoisyRow) => void;
}

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return (sorted[lo] as number) + ((sorted[hi] as number) - (sorted[lo] as number)) * (pos - lo);
}

const mean = (v: readonly number[]): number => v.reduce((a, b) => a + b, 0) / v.length;

/** Runs every sampler (and Optuna with `optuna`) on every objective at every noise level. */
export function noisyBench(objectives: readonly BenchObjective[], o: NoisyBenchOptions): void {
  for (const level of o.levels) {
    const sds = objectives.map((f) => ({ f, sd: noiseSd(f, level) }));
    for (const { f, sd } of sds) {
      for (const s of o.samplers) {
        const regrets: number[] = [];
        const observed: number[] = [];
        const asks: number[] = [];
        let notes = 0;
        const t0 = performance.now();
        for (let seed = 0; seed < o.seeds; seed++) {
          const r = runNoisy(createSampler(s as "grid" | "random" | "gp"), f, { budget: o.budget, seed, noiseSd: sd, pending: o.pending, now: () => performance.now() });
          regrets.push(r.regret);
          observed.push(r.bestObservedRegret);
          asks.push(...r.askMs);
          notes += r.notes.length;
        }
        regrets.sort((a, b) => a - b);
        asks.sort((a, b) => a - b);
        o.emit({
          function: f.name,
          sampler: s,
          budget: o.budget,
          seeds: o.seeds,
          pending: o.pending,
          noise: formatNoise(level),
          noise_sd: sd,
          mean_regret: mean(regrets),
          median_regret: quantile(regrets, 0.5),
          mean_regret_best_observed: mean(observed),
          ask_ms_median: quantile(asks, 0.5),
          ask_ms_p95: quantile(asks, 0.95),
          notes,
          seconds_per_run: (performance.now() - t0) / 1000 / o.seeds,
        });
      }
    }
    if (o.optuna) for (const r of optunaNoisy(sds.map(({ f, sd }) => ({ name: f.name, sd })), o.budget, o.seeds)) o.emit({ ...r, noise: formatNoise(level), pending: 1 });
  }
}

/** Optuna's plain and multivariate TPE through `scripts/optuna_noisy_ref.py`, the same noise sd per function. */
function optunaNoisy(functions: readonly { name: string; sd: number }[], budget: number, seeds: number): Omit<NoisyRow, "noise" | "pending">[] {
  const script = resolve(dirname(fileURLToPath(import.meta.url)), "optuna_noisy_ref.py");
  return pythonJsonLines<Omit<NoisyRow, "noise" | "pending">>(script, [JSON.stringify({ functions, budget, seeds })]);
}

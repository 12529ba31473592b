import type { ParamAssignment, SearchSpace } from "@hyperq/protocol";

/**
 * Benchmark objectives with known minima (Surjanovic & Bingham's Virtual Library of Simulation
 * Experiments), the same as `shared/bench/optuna_ref.py`. A user's own objective module has the
 * same shape: `export const name`, `space`, `minimum`, `evaluate(params)`.
 */
export interface BenchObjective {
  readonly name: string;
  readonly space: SearchSpace;
  /** The known global minimum (regret = best found − minimum). */
  readonly minimum: number;
  evaluate(params: ParamAssignment): number;
}

function floats(bounds: readonly (readonly [number, number])[]): SearchSpace {
  const space: SearchSpace = {};
  bounds.forEach(([low, high], i) => {
    space[`x${i}`] = { type: "float", low, high, log: false };
  });
  return space;
}

function vector(params: ParamAssignment, d: number): number[] {
  return Array.from({ length: d }, (_, i) => params[`x${i}`] as number);
}

/** Branin-Hoo on [−5, 10] × [0, 15]; three global minima of 0.397887. */
export const branin: BenchObjective = {
  name: "branin",
  space: floats([
    [-5, 10],
    [0, 15],
  ]),
  minimum: 0.397887357729739,
  evaluate(params) {
    const [x1, x2] = vector(params, 2) as [number, number];
    const b = 5.1 / (4 * Math.PI ** 2);
    const c = 5 / Math.PI;
    const t = 1 / (8 * Math.PI);
    return (x2 - b * x1 * x1 + c * x1 - 6) ** 2 + 10 * (1 - t) * Math.cos(x1) + 10;
  },
};

const H6_A = [
  [10, 3, 17, 3.5, 1.7, 8],
  [0.05, 10, 17, 0.1, 8, 14],
  [3, 3.5, 1.7, 10, 17, 8],
  [17, 8, 0.05, 10, 0.1, 14],
];
const H6_P = [
  [1312, 1696, 5569, 124, 8283, 5886],
  [2329, 4135, 8307, 3736, 1004, 9991],
  [2348, 1451, 3522, 2883, 3047, 6650],
  [4047, 8828, 8732, 5743, 1091, 381],
].map((r) => r.map((v) => v * 1e-4));
const H6_ALPHA = [1.0, 1.2, 3.0, 3.2];

/** Hartmann-6 on [0, 1]^6; global minimum −3.32237 (and a local one at −3.20316). */
export const hartmann6: BenchObjective = {
  name: "hartmann6",
  space: floats(Array.from({ length: 6 }, () => [0, 1] as const)),
  minimum: -3.32236801141551,
  evaluate(params) {
    const x = vector(params, 6);
    let s = 0;
    for (let i = 0; i < 4; i++) {
      let inner = 0;
      for (let j = 0; j < 6; j++) inner += (H6_A[i] as number[])[j]! * ((x[j] as number) - (H6_P[i] as number[])[j]!) ** 2;
      s -= (H6_ALPHA[i] as number) * Math.exp(-inner);
    }
    return s;
  },
};

/** Rosenbrock in 4 dimensions on [−5, 10]^4; global minimum 0 at (1, 1, 1, 1). */
export const rosenbrock4: BenchObjective = {
  name: "rosenbrock4",
  space: floats(Array.from({ length: 4 }, () => [-5, 10] as const)),
  minimum: 0,
  evaluate(params) {
    const x = vector(params, 4);
    let s = 0;
    for (let i = 0; i < 3; i++) s += 100 * ((x[i + 1] as number) - (x[i] as number) ** 2) ** 2 + (1 - (x[i] as number)) ** 2;
    return s;
  },
};

export const BENCH_FUNCTIONS: readonly BenchObjective[] = [branin, hartmann6, rosenbrock4];

import { isParamActive, type ParamAssignment, type ParamSpec, type ParamValue, type SearchSpace } from "@hyperq/protocol";

/**
 * One map from a search space to the unit box [0, 1]^D and back, shared by every sampler (after
 * Optuna's `_SearchSpaceTransform`):
 *
 * | parameter                  | columns | encoding                                                        |
 * |----------------------------|---------|-----------------------------------------------------------------|
 * | float                      | 1       | (x − low) / (high − low)                                        |
 * | float, log                 | 1       | (ln x − ln low) / (ln high − ln low)                            |
 * | int (step s, m points)     | 1       | point j ↦ (j + ½) / m: each integer owns an equal interval      |
 * | int, log                   | 1       | (ln x − ln(low − ½)) / (ln(high + ½) − ln(low − ½))             |
 * | categorical (k ≥ 2 values) | k       | one-hot; decoding takes the arg-max                             |
 * | fixed, 1-value categorical | 0       | —                                                               |
 *
 * Conditional parameters: a parameter whose `when` does not hold is absent from the decoded
 * assignment, and encodes as ½ (numeric) or all zeros (categorical), a neutral value the GP sees
 * identically for every trial where the parameter is inactive.
 */

export type EncodedKind = "float" | "int" | "categorical" | "fixed";

/** Where one parameter lives in the encoded vector. */
export interface EncodedParam {
  readonly name: string;
  readonly spec: ParamSpec;
  readonly kind: EncodedKind;
  /** First column. */
  readonly start: number;
  /** Number of columns (0 for fixed). */
  readonly width: number;
}

/** An integer column: `count` grid points, with maps between point index and unit coordinate. */
export interface DiscreteColumn {
  readonly column: number;
  readonly count: number;
  indexOf(u: number): number;
  unitOf(index: number): number;
}

/** A categorical parameter's one-hot block. */
export interface OneHotGroup {
  readonly start: number;
  readonly size: number;
}

/** The encoded space's structure, for optimizers that must respect integers and categories exactly. */
export interface MixedSpace {
  readonly dim: number;
  /** Float columns. */
  readonly continuous: readonly number[];
  readonly discrete: readonly DiscreteColumn[];
  readonly categorical: readonly OneHotGroup[];
}

const clamp01 = (u: number): number => (u < 0 ? 0 : u > 1 ? 1 : Number.isFinite(u) ? u : 0.5);

function intCount(p: { low: number; high: number; step: number }): number {
  return Math.floor((p.high - p.low) / p.step + 1e-9) + 1;
}

export class SearchSpaceTransform {
  readonly params: readonly EncodedParam[];
  /** D, the number of encoded columns. */
  readonly dim: number;
  readonly mixed: MixedSpace;

  constructor(readonly space: SearchSpace) {
    const params: EncodedParam[] = [];
    const continuous: number[] = [];
    const discrete: DiscreteColumn[] = [];
    const categorical: OneHotGroup[] = [];
    let col = 0;
    for (const [name, spec] of Object.entries(space)) {
      let kind: EncodedKind;
      let width: number;
      if (spec.type === "float") {
        kind = "float";
        width = 1;
        continuous.push(col);
      } else if (spec.type === "int") {
        kind = "int";
        width = 1;
        discrete.push(this.discreteColumn(col, spec));
      } else if (spec.type === "categorical" && spec.values.length > 1) {
        kind = "categorical";
        width = spec.values.length;
        categorical.push({ start: col, size: width });
      } else {
        kind = "fixed";
        width = 0;
      }
      params.push({ name, spec, kind, start: col, width });
      col += width;
    }
    this.params = params;
    this.dim = col;
    this.mixed = { dim: col, continuous, discrete, categorical };
  }

  private discreteColumn(column: number, p: Extract<ParamSpec, { type: "int" }>): DiscreteColumn {
    if (p.log) {
      const lo = Math.log(p.low - 0.5);
      const span = Math.log(p.high + 0.5) - lo;
      const count = p.high - p.low + 1;
      return {
        column,
        count,
        indexOf: (u) => Math.min(count - 1, Math.max(0, Math.round(Math.exp(lo + clamp01(u) * span)) - p.low)),
        unitOf: (j) => (Math.log(p.low + j) - lo) / span,
      };
    }
    const count = intCount(p);
    return {
      column,
      count,
      indexOf: (u) => Math.min(count - 1, Math.max(0, Math.floor(clamp01(u) * count))),
      unitOf: (j) => (j + 0.5) / count,
    };
  }

  /** The unit-box vector of an assignment (values outside the space are clamped). */
  encode(params: ParamAssignment): Float64Array {
    const u = new Float64Array(this.dim);
    for (const p of this.params) {
      if (p.width === 0) continue;
      const v = params[p.name];
      const s = p.spec;
      if (s.type === "categorical") {
        const j = s.values.findIndex((x) => x === v);
        if (j >= 0) u[p.start + j] = 1;
        continue;
      }
      if (typeof v !== "number" || (s.type !== "float" && s.type !== "int")) {
        u[p.start] = 0.5;
        continue;
      }
      if (s.type === "float") {
        u[p.start] = clamp01(s.log ? (Math.log(v) - Math.log(s.low)) / (Math.log(s.high) - Math.log(s.low)) : (v - s.low) / (s.high - s.low));
      } else {
        const d = this.mixed.discrete.find((c) => c.column === p.start);
        if (!d) continue;
        const j = s.log ? Math.round(v) - s.low : Math.round((v - s.low) / s.step);
        u[p.start] = d.unitOf(Math.min(d.count - 1, Math.max(0, j)));
      }
    }
    return u;
  }

  /**
   * The assignment a unit-box vector stands for: floats mapped back (and kept inside [low, high]),
   * integers rounded onto their step grid, categoricals by arg-max; inactive parameters left out.
   */
  decode(u: ArrayLike<number>): ParamAssignment {
    const out: ParamAssignment = {};
    let d = 0;
    for (const p of this.params) {
      const s = p.spec;
      const col = p.start;
      let value: ParamValue;
      if (s.type === "fixed") value = s.value;
      else if (s.type === "categorical") {
        if (p.width === 0) value = s.values[0] as ParamValue;
        else {
          let best = 0;
          for (let j = 1; j < p.width; j++) if ((u[col + j] ?? 0) > (u[col + best] ?? 0)) best = j;
          value = s.values[best] as ParamValue;
        }
      } else if (s.type === "float") {
        const x = clamp01(u[col] ?? 0.5);
        const raw = s.log ? Math.exp(Math.log(s.low) + x * (Math.log(s.high) - Math.log(s.low))) : s.low + x * (s.high - s.low);
        value = Math.min(s.high, Math.max(s.low, raw));
      } else {
        const dc = this.mixed.discrete[d] as DiscreteColumn;
        const j = dc.indexOf(u[col] ?? 0.5);
        value = s.log ? s.low + j : s.low + j * s.step;
      }
      if (s.type === "int") d++;
      if (isParamActive(s, out)) out[p.name] = value;
    }
    return out;
  }

  /** Moves `u` in place onto the nearest point the space can take: integer grid points, exact one-hot. */
  snap(u: Float64Array): Float64Array {
    for (const c of this.mixed.continuous) u[c] = clamp01(u[c] ?? 0.5);
    for (const d of this.mixed.discrete) u[d.column] = d.unitOf(d.indexOf(u[d.column] ?? 0.5));
    for (const g of this.mixed.categorical) {
      let best = 0;
      for (let j = 1; j < g.size; j++) if ((u[g.start + j] ?? 0) > (u[g.start + best] ?? 0)) best = j;
      for (let j = 0; j < g.size; j++) u[g.start + j] = j === best ? 1 : 0;
    }
    return u;
  }

  /**
   * A uniform draw from the space given uniform numbers (one per column): floats uniform on their
   * (log) scale, integers uniform over their points, categories uniform (arg-max of k uniforms).
   */
  fromUniform(r: Float64Array): ParamAssignment {
    return this.decode(r);
  }

  /** Whether every parameter takes finitely many values (no float). */
  isFinite(): boolean {
    return this.params.every((p) => p.kind !== "float");
  }
}

/** A canonical string for an assignment: same configuration, same key (key order does not matter). */
export function configKey(params: ParamAssignment): string {
  const keys = Object.keys(params).sort();
  return JSON.stringify(keys.map((k) => [k, params[k]]));
}

import type { DatasetSpec, MissingPolicy } from "@hyperq/protocol";
import type { ColumnTable } from "./csv.ts";
import { DatasetError } from "./errors.ts";
import { describeColumns, quoteCell } from "./quote.ts";
import { BUNDLED_DATASET_FILES } from "./source.ts";

/** The columns a spec uses, with the defaults filled in. */
export interface ResolvedColumns {
  dateColumn: string;
  features: string[];
  target: string;
}

/** A cleaned, date-sorted series: every used column numeric and complete. */
export interface Series {
  /** Sort keys: epoch milliseconds (UTC) for dates, the number itself for integer time steps. */
  dates: Float64Array;
  /** The date cells as written in the file. */
  dateLabels: string[];
  /** `values[c]`: column `columns[c]`, one entry per row. */
  columns: Map<string, Float64Array>;
  /** 1-based file line of each row, for messages. */
  lines: Int32Array;
  droppedRows: number;
  filledValues: number;
}


const ISO = /^(\d{4})[-/](\d{1,2})[-/](\d{1,2})(?:[T ](\d{1,2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * Parses a date cell to a sort key: ISO `YYYY-MM-DD` (or `/`), optionally with a time and an
 * offset (UTC when none, so keys do not depend on the machine's time zone); a bare integer is a
 * time step (a year, an index); anything else goes to `Date.parse` (e.g. `Jan 1 2000`).
 */
export function parseDateCell(cell: string): number | undefined {
  const s = cell.trim();
  if (s === "") return undefined;
  const m = ISO.exec(s);
  if (m !== null) {
    const [, y, mo, d, h, mi, sec, frac, tz] = m;
    const month = Number(mo);
    const day = Number(d);
    if (month < 1 || month > 12 || day < 1 || day > 31 || Number(h ?? 0) > 23) return undefined;
    let ms = Date.UTC(Number(y), month - 1, day, Number(h ?? 0), Number(mi ?? 0), Number(sec ?? 0), frac === undefined ? 0 : Math.round(Number(frac) * 1000));
    if (new Date(ms).getUTCDate() !== day) return undefined; // 2021-02-30
    if (tz !== undefined && tz !== "Z") {
      const sign = tz.startsWith("-") ? -1 : 1;
      const digits = tz.slice(1).replace(":", "");
      ms -= sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000;
    }
    return ms;
  }
  if (/^[+-]?\d+$/.test(s)) return Number(s);
  // Read as UTC where the text has no zone of its own, so keys do not depend on the machine.
  const utc = Date.parse(`${s} UTC`);
  if (!Number.isNaN(utc)) return utc;
  const t = Date.parse(s);
  return Number.isNaN(t) ? undefined : t;
}

/** Fills the spec's column defaults and checks that every named column exists and is numeric. */
export function resolveColumns(spec: DatasetSpec, table: ColumnTable, file: string): ResolvedColumns {
  const has = new Set(table.header);
  const available = describeColumns(table.header);
  const requireColumn = (column: string, field: string, defaulted = false): void => {
    if (!has.has(column)) {
      const what = defaulted ? `\`${field}\` defaults to "${column}", but the file has no such column` : `\`${field}\` names a column the file does not have`;
      throw new DatasetError({ file, column, rule: `${what}; ${available}` });
    }
  };
  const dateColumn = spec.dateColumn ?? "date";
  requireColumn(dateColumn, "dateColumn", spec.dateColumn === undefined);
  const target = spec.target ?? (spec.name !== undefined ? BUNDLED_DATASET_FILES[spec.name].target : undefined);
  if (target === undefined) {
    throw new DatasetError({ file, column: "target", rule: `\`target\` is required for a user file; ${available}` });
  }
  requireColumn(target, "target", spec.target === undefined);
  if (target === dateColumn) throw new DatasetError({ file, column: target, rule: "`target` must differ from `dateColumn`" });
  let features: string[];
  if (spec.features !== undefined) {
    features = [...spec.features];
    const seen = new Set<string>();
    for (const f of features) {
      requireColumn(f, "features");
      if (f === dateColumn) throw new DatasetError({ file, column: f, rule: "`features` may not include the date column" });
      if (seen.has(f)) throw new DatasetError({ file, column: f, rule: "`features` lists this column twice" });
      seen.add(f);
    }
  } else {
    features = table.header.filter((h) => h !== dateColumn && isNumericColumn(table, h));
    if (features.length === 0) throw noNumericColumn(table, [target, ...table.header.filter((h) => h !== dateColumn && h !== target)], file);
  }
  return { dateColumn, features, target };
}

/**
 * Why no column is numeric, at the first column (the target first) that says it best: its first
 * cell that is not a number, or that it holds no values at all.
 */
function noNumericColumn(table: ColumnTable, candidates: readonly string[], file: string): DatasetError {
  const rule = "`features` defaults to every numeric column, but none is";
  for (const column of candidates) {
    const bad = table.numeric.get(column)?.firstBad;
    if (bad !== undefined) return new DatasetError({ file, column, row: bad.line, rule: `${rule}: this column must hold finite numbers, but got ${quoteCell(bad.cell)}` });
  }
  const first = candidates[0];
  return new DatasetError({ file, ...(first === undefined ? {} : { column: first }), rule: `${rule}: ${first === undefined ? "the file has no column besides the dates" : "every cell of this column is missing"}` });
}

function isNumericColumn(table: ColumnTable, column: string): boolean {
  const col = table.numeric.get(column);
  return col !== undefined && col.nonNumber === undefined && col.present > 0;
}

/**
 * Reads the used columns as numbers, sorts rows by date, rejects duplicate dates, then applies
 * the missing-value policy (after sorting, so `ffill` fills from the previous date).
 */
export function buildSeries(table: ColumnTable, cols: ResolvedColumns, missing: MissingPolicy, file: string): Series {
  const n = table.rowCount;
  const dateCells = table.text.get(cols.dateColumn);
  if (dateCells === undefined) throw new Error(`readColumns was not asked to keep the date column "${cols.dateColumn}" as text`);
  const used = [...new Set([...cols.features, cols.target])];
  const keys = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    const cell = dateCells[r] ?? "";
    const k = parseDateCell(cell);
    if (k === undefined) {
      const rule = cell.trim() === ""
        ? "every row needs a date, but this one is empty"
        : `dates must look like 2000-01-31 (optionally with a time), an integer time step, or anything Date.parse reads, but got ${quoteCell(cell)}`;
      throw new DatasetError({ file, column: cols.dateColumn, row: table.lines[r], rule });
    }
    keys[r] = k;
  }
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (keys[a] ?? 0) - (keys[b] ?? 0) || a - b);
  for (let i = 1; i < n; i++) {
    const a = order[i - 1] ?? 0;
    const b = order[i] ?? 0;
    if (keys[a] === keys[b]) {
      const later = Math.max(a, b);
      const earlier = Math.min(a, b);
      throw new DatasetError({
        file,
        column: cols.dateColumn,
        row: table.lines[later],
        rule: `dates must be unique, but ${quoteCell(dateCells[later] ?? "")} also appears on line ${table.lines[earlier]}`,
      });
    }
  }

  const position = new Int32Array(n);
  order.forEach((r, i) => (position[r] = i));
  const raw = new Map<string, Float64Array>();
  for (const column of used) {
    const col = table.numeric.get(column);
    if (col === undefined) throw new Error(`column "${column}" was read as text`);
    // The first bad cell in file order, as a row-by-row scan would find it.
    if (col.firstBad !== undefined) {
      const role = column === cols.target ? "the target" : "a feature";
      throw new DatasetError({ file, column, row: col.firstBad.line, rule: `${role} column must be numeric, but got ${quoteCell(col.firstBad.cell)}` });
    }
    const out = new Float64Array(n);
    for (let r = 0; r < n; r++) out[position[r] ?? 0] = col.values[r] ?? Number.NaN;
    raw.set(column, out);
  }

  let keep: number[] = Array.from({ length: n }, (_, i) => i);
  let filled = 0;
  if (missing === "reject") {
    for (const column of used) {
      const v = raw.get(column) as Float64Array;
      const i = v.findIndex((x) => Number.isNaN(x));
      if (i >= 0) {
        throw new DatasetError({ file, column, row: table.lines[order[i] ?? 0], rule: "missing values are rejected (`missing: reject`); choose `ffill` or `drop` to accept them" });
      }
    }
  } else if (missing === "ffill") {
    for (const column of used) {
      const v = raw.get(column) as Float64Array;
      for (let i = 0; i < n; i++) {
        if (!Number.isNaN(v[i] ?? 0)) continue;
        if (i === 0) {
          throw new DatasetError({ file, column, row: table.lines[order[0] ?? 0], rule: "`missing: ffill` cannot fill the first row (no earlier value); choose `drop`" });
        }
        v[i] = v[i - 1] ?? Number.NaN;
        filled++;
      }
    }
  } else {
    keep = keep.filter((i) => used.every((column) => !Number.isNaN((raw.get(column) as Float64Array)[i] ?? 0)));
  }

  const columns = new Map<string, Float64Array>();
  for (const column of used) {
    const v = raw.get(column) as Float64Array;
    columns.set(column, Float64Array.from(keep, (i) => v[i] ?? 0));
  }
  return {
    dates: Float64Array.from(keep, (i) => keys[order[i] ?? 0] ?? 0),
    dateLabels: keep.map((i) => (dateCells[order[i] ?? 0] ?? "").trim()),
    columns,
    lines: Int32Array.from(keep, (i) => table.lines[order[i] ?? 0] ?? 0),
    droppedRows: n - keep.length,
    filledValues: filled,
  };
}

/** Cells read as missing (then handled by the `missing` policy). */
const MISSING_TOKENS = new Set(["", "na", "n/a", "nan", "null", "none", "-"]);
const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/** A number, NaN for a missing cell, undefined for anything else. */
export function parseNumberCell(cell: string): number | undefined {
  const s = cell.trim();
  if (MISSING_TOKENS.has(s.toLowerCase())) return Number.NaN;
  return NUMBER.test(s) ? Number(s) : undefined;
}

import { quoteCell } from "./quote.ts";

/**
 * Bad dataset input: a malformed CSV, an unknown or non-numeric column, a missing value under
 * `missing: reject`, a duplicate date, a series too short for the windows asked for. Permanent:
 * retrying the same file gives the same error, so callers report it and never retry.
 */
export class DatasetError extends Error {
  override readonly name = "DatasetError";
  /** The dataset file as the caller named it (an absolute path or `data/…` for a bundled one). */
  readonly file: string;
  /** The column at fault, when one is. */
  readonly column: string | undefined;
  /** 1-based line of the file where the offending record starts (the header is line 1). */
  readonly row: number | undefined;
  /** The rule that was broken, with the values that broke it. */
  readonly rule: string;
  override readonly cause: unknown;

  constructor(init: { file: string; column?: string | undefined; row?: number | undefined; rule: string; cause?: unknown }) {
    super(formatDatasetError(init.file, init.column, init.row, init.rule));
    this.file = init.file;
    this.column = init.column;
    this.row = init.row;
    this.rule = init.rule;
    this.cause = init.cause;
  }
}

function formatDatasetError(file: string, column: string | undefined, row: number | undefined, rule: string): string {
  const where = [file];
  if (column !== undefined) where.push(`column ${quoteCell(column)}`);
  if (row !== undefined) where.push(`line ${row}`);
  return `${where.join(", ")}: ${rule}`;
}

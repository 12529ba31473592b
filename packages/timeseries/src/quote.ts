/**
 * How dataset errors show file contents: only the offending cell, quoted and cut short, and
 * column names only when they look like names. A file that is not a dataset (an environment, a
 * password file) must not leak through an error message.
 */

/** Longest cell text shown in a message, in characters. */
export const MAX_CELL_CHARS = 40;

/** A cell as a JSON string, cut to {@link MAX_CELL_CHARS} characters (`"abc…"` when longer). */
export function quoteCell(cell: string): string {
  return cell.length > MAX_CELL_CHARS ? `${JSON.stringify(cell.slice(0, MAX_CELL_CHARS))}…` : JSON.stringify(cell);
}

/** Letters, digits, spaces and `_ . - ( ) % / #`: what column names are made of, unlike `KEY=secret` or `root:x:0:0`. */
const NAME_LIKE = /^[\p{L}\p{N} _.\-()%/#]{1,64}$/u;
/** Most names listed in a message. */
const MAX_LISTED = 30;

/**
 * The header's column names for a message (`"date", "open"`), or, when any does not look like a
 * column name (the first line of a file that is not a table), only how many there are.
 */
export function describeColumns(header: readonly string[]): string {
  if (header.length <= MAX_LISTED && header.every((h) => NAME_LIKE.test(h))) return `its columns are ${header.map((h) => `"${h}"`).join(", ")}`;
  return `its header has ${header.length} column${header.length === 1 ? "" : "s"} (not listed: line 1 does not look like a header of column names)`;
}

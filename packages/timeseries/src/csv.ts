import { DatasetError } from "./errors.ts";
import { quoteCell } from "./quote.ts";
import { parseNumberCell } from "./cells.ts";

/** A delimited text file split into fields; nothing is interpreted yet. */
export interface DelimitedTable {
  delimiter: "," | "\t";
  /** Column names from the first record, trimmed. */
  header: string[];
  /** One entry per data record, each with `header.length` fields. */
  rows: string[][];
  /** `lines[i]`: 1-based line of the file where `rows[i]` starts (the header is line 1). */
  lines: number[];
}

/**
 * Parses CSV or TSV text (RFC 4180 quoting: `"a, ""b"""`, fields may span lines). The delimiter
 * is a tab for `*.tsv`/`*.tab` files or when the header has tabs and no commas, else a comma.
 * A UTF-8 byte-order mark, `\r\n` line ends and blank lines are accepted.
 *
 * @throws DatasetError for an empty file, an unterminated quote, an empty or duplicate column
 *   name, or a record whose field count differs from the header's.
 */
export function parseDelimited(text: string, file: string): DelimitedTable {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = detectDelimiter(src, file);
  const it = records(src, delimiter, file);
  const header = readHeader(it, file);
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of it) {
    checkFieldCount(r, header.length, file);
    rows.push(r.fields);
    lines.push(r.line);
  }
  return { delimiter, header, rows, lines };
}

/** The header record's trimmed names. @throws DatasetError for an empty file, an empty or duplicate name. */
function readHeader(it: Iterator<RawRecord>, file: string): string[] {
  const next = it.next();
  if (next.done === true) throw new DatasetError({ file, rule: "the file must have a header line and data rows, but it is empty" });
  const first = next.value;
  const header = first.fields.map((h) => h.trim());
  const seen = new Map<string, number>();
  header.forEach((name, i) => {
    if (name === "") throw new DatasetError({ file, row: first.line, rule: `every column needs a name, but column ${i + 1} of the header is empty` });
    const prev = seen.get(name);
    if (prev !== undefined) {
      throw new DatasetError({ file, column: name, row: first.line, rule: `column names must be unique, but columns ${prev + 1} and ${i + 1} are both ${quoteCell(name)}` });
    }
    seen.set(name, i);
  });
  return header;
}

function checkFieldCount(r: RawRecord, expected: number, file: string): void {
  if (r.fields.length !== expected) {
    throw new DatasetError({ file, row: r.line, rule: `every row needs ${expected} fields like the header, but this one has ${r.fields.length}` });
  }
}

/** A numeric column read by {@link readColumns}. */
export interface NumericColumn {
  /** One value per data row: the number, NaN for a missing cell. Empty once `nonNumber` is set. */
  values: Float64Array;
  /** Rows whose cell holds a number (not missing). */
  present: number;
  /** The first cell that is not a number: the column cannot be a feature or the target. */
  nonNumber?: { line: number; cell: string };
  /** The first cell that is not a finite number (`abc`, `inf`, `1e400`), in file order. */
  firstBad?: { line: number; cell: string };
}

/** A delimited file read into columns: numbers as typed arrays, the named text columns as strings. */
export interface ColumnTable {
  delimiter: "," | "\t";
  /** Column names from the first record, trimmed. */
  header: string[];
  /** Data records. */
  rowCount: number;
  /** 1-based line of the file where each data record starts (the header is line 1). */
  lines: Int32Array;
  /** Every column but the text ones, parsed as numbers. */
  numeric: Map<string, NumericColumn>;
  /** The columns asked for as text (the dates), one cell per row. */
  text: Map<string, string[]>;
}

/**
 * Reads CSV or TSV text (the rules of {@link parseDelimited}) record by record into columns:
 * each cell becomes a number as it is read, so memory holds the numbers (8 bytes a cell) and the
 * text columns, never a string per cell. A column stops being stored at its first non-number.
 *
 * @throws DatasetError as {@link parseDelimited} does.
 */
export function readColumns(text: string, file: string, opts: { textColumns: readonly string[] }): ColumnTable {
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const delimiter = detectDelimiter(src, file);
  const it = records(src, delimiter, file);
  const header = readHeader(it, file);
  return collectColumns(delimiter, header, it, file, opts);
}

/**
 * The same columns from a table already split into cells (rows given by a program rather than a
 * file): numbers parsed and checked exactly as `readColumns` does.
 */
export function columnsOfTable(table: DelimitedTable, file: string, opts: { textColumns: readonly string[] }): ColumnTable {
  const records = table.rows.map((fields, i): RawRecord => ({ fields, line: table.lines[i] ?? i + 2 }));
  return collectColumns(table.delimiter, table.header, records[Symbol.iterator](), file, opts);
}

function collectColumns(delimiter: "," | "\t", header: string[], it: Iterator<RawRecord> & Iterable<RawRecord>, file: string, opts: { textColumns: readonly string[] }): ColumnTable {
  const textIdx = header.map((h) => opts.textColumns.includes(h));
  const texts: (string[] | undefined)[] = header.map((_, c) => (textIdx[c] ? [] : undefined));
  const nums: (GrowableColumn | undefined)[] = header.map((_, c) => (textIdx[c] ? undefined : new GrowableColumn()));
  const lines = new Growable(Int32Array);
  let rowCount = 0;
  for (const r of it) {
    checkFieldCount(r, header.length, file);
    for (let c = 0; c < header.length; c++) {
      const cell = r.fields[c] ?? "";
      const t = texts[c];
      if (t !== undefined) t.push(cell);
      else nums[c]?.push(cell, r.line);
    }
    lines.push(r.line);
    rowCount++;
  }
  const numeric = new Map<string, NumericColumn>();
  const textCols = new Map<string, string[]>();
  header.forEach((h, c) => {
    const t = texts[c];
    if (t !== undefined) textCols.set(h, t);
    else numeric.set(h, (nums[c] as GrowableColumn).done());
  });
  return { delimiter, header, rowCount, lines: lines.done(), numeric, text: textCols };
}

/** An append-only typed array that doubles when full. */
class Growable<A extends Float64Array | Int32Array> {
  private buf: A;
  length = 0;
  constructor(private readonly make: new (n: number) => A) {
    this.buf = new make(1024);
  }
  push(v: number): void {
    if (this.length === this.buf.length) {
      const next = new this.make(this.buf.length * 2);
      next.set(this.buf);
      this.buf = next;
    }
    this.buf[this.length++] = v;
  }
  done(): A {
    return this.buf.slice(0, this.length) as A;
  }
}

/** One numeric column as it is read; drops its values at the first non-number. */
class GrowableColumn {
  private values: Growable<Float64Array> | undefined = new Growable(Float64Array);
  private present = 0;
  private nonNumber: { line: number; cell: string } | undefined;
  private firstBad: { line: number; cell: string } | undefined;

  push(cell: string, line: number): void {
    const v = parseNumberCell(cell);
    if (v === undefined) {
      this.nonNumber ??= { line, cell };
      this.firstBad ??= { line, cell };
      this.values = undefined;
      return;
    }
    if (!Number.isNaN(v)) {
      this.present++;
      if (!Number.isFinite(v)) this.firstBad ??= { line, cell };
    }
    this.values?.push(v);
  }

  done(): NumericColumn {
    const out: NumericColumn = { values: this.values?.done() ?? new Float64Array(0), present: this.present };
    if (this.nonNumber) out.nonNumber = this.nonNumber;
    if (this.firstBad) out.firstBad = this.firstBad;
    return out;
  }
}

function detectDelimiter(src: string, file: string): "," | "\t" {
  if (/\.(tsv|tab)$/i.test(file)) return "\t";
  const nl = src.indexOf("\n");
  const head = nl < 0 ? src : src.slice(0, nl);
  return head.includes("\t") && !head.includes(",") ? "\t" : ",";
}

interface RawRecord {
  fields: string[];
  line: number;
}

const QUOTE = 34;
const LF = 10;
const CR = 13;

/** Yields records one at a time; records whose only field is empty (blank lines) are skipped. */
function* records(src: string, delimiter: string, file: string): Generator<RawRecord, void, undefined> {
  const delim = delimiter.charCodeAt(0);
  let ready: RawRecord | undefined;
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = src.length;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]?.trim() === "")) ready = { fields, line: recordLine };
    fields = [];
    field = "";
  };
  while (i < n) {
    const c = src.charCodeAt(i);
    if (c === QUOTE && field.trim() === "") {
      // A quoted field: runs to the closing quote; "" is a literal quote.
      const openLine = line;
      let j = i + 1;
      let value = "";
      for (;;) {
        const q = src.indexOf('"', j);
        if (q < 0) throw new DatasetError({ file, row: openLine, rule: "a quoted field must end with a closing quote (\"), but the file ends first" });
        value += src.slice(j, q);
        if (src.charCodeAt(q + 1) === QUOTE) {
          value += '"';
          j = q + 2;
          continue;
        }
        j = q + 1;
        break;
      }
      for (let k = i; k < j; k++) if (src.charCodeAt(k) === LF) line++;
      field = value;
      i = j;
      // Only whitespace may sit between the closing quote and the delimiter.
      while (i < n && (src.charCodeAt(i) === 32 || (src.charCodeAt(i) === 9 && delim !== 9))) i++;
      const next = src.charCodeAt(i);
      if (i < n && next !== delim && next !== LF && next !== CR) {
        throw new DatasetError({ file, row: line, rule: `a closing quote must be followed by the delimiter or the end of the line, but got ${JSON.stringify(src[i])}` });
      }
      continue;
    }
    if (c === delim) {
      fields.push(field);
      field = "";
      i++;
    } else if (c === LF || c === CR) {
      endRecord();
      i += c === CR && src.charCodeAt(i + 1) === LF ? 2 : 1;
      line++;
      recordLine = line;
      if (ready !== undefined) {
        yield ready;
        ready = undefined;
      }
    } else {
      // Fast path: copy up to the next special character.
      let j = i + 1;
      while (j < n) {
        const d = src.charCodeAt(j);
        if (d === delim || d === LF || d === CR || d === QUOTE) break;
        j++;
      }
      field += src.slice(i, j);
      i = j;
      if (i < n && src.charCodeAt(i) === QUOTE) {
        // A quote inside an unquoted field is kept literally (lenient, like most readers).
        field += '"';
        i++;
      }
    }
  }
  if (field !== "" || fields.length > 0) endRecord();
  if (ready !== undefined) yield ready;
}

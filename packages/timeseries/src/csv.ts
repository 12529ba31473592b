import { DatasetError } from "./errors.ts";
import { quoteCell } from "./quote.ts";

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
  const records = splitRecords(src, delimiter, file);
  const first = records.shift();
  if (first === undefined) throw new DatasetError({ file, rule: "the file must have a header line and data rows, but it is empty" });
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
  const rows: string[][] = [];
  const lines: number[] = [];
  for (const r of records) {
    if (r.fields.length !== header.length) {
      throw new DatasetError({
        file,
        row: r.line,
        rule: `every row needs ${header.length} fields like the header, but this one has ${r.fields.length}`,
      });
    }
    rows.push(r.fields);
    lines.push(r.line);
  }
  return { delimiter, header, rows, lines };
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

/** Splits into records; records whose only field is empty (blank lines) are skipped. */
function splitRecords(src: string, delimiter: string, file: string): RawRecord[] {
  const delim = delimiter.charCodeAt(0);
  const out: RawRecord[] = [];
  let fields: string[] = [];
  let field = "";
  let line = 1;
  let recordLine = 1;
  let i = 0;
  const n = src.length;
  const endRecord = (): void => {
    fields.push(field);
    if (!(fields.length === 1 && fields[0]?.trim() === "")) out.push({ fields, line: recordLine });
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
  return out;
}

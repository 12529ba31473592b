/**
 * Prints the heap a parsed CSV holds: every cell as a string (`parseDelimited`, how datasets were
 * read before) against numeric columns read record by record (`readColumns`, what
 * `prepareDataset` uses), for a generated daily OHLCV-like file.
 * Run: `node --expose-gc --import tsx packages/timeseries/bench/parse-memory-bench.ts [rows]`
 * (default 200000 rows, about 13 MiB).
 */
import { parseDelimited, readColumns } from "../src/csv.ts";

const gc = (globalThis as { gc?: () => void }).gc;
if (gc === undefined) throw new Error("run with node --expose-gc");
const rowsArg = Number(process.argv[2] ?? 200_000);
const lines = ["date,open,high,low,close,volume,note"];
const day0 = Date.UTC(1990, 0, 1);
for (let i = 0; i < rowsArg; i++) {
  const p = 100 + Math.sin(i / 50) * 20;
  lines.push(`${new Date(day0 + i * 3_600_000).toISOString()},${p.toFixed(4)},${(p + 1).toFixed(4)},${(p - 1).toFixed(4)},${(p + 0.5).toFixed(4)},${1000 + (i % 977)},ok`);
}
const text = lines.join("\n");
lines.length = 0;

function heldMiB(parse: () => unknown): { held: string; ms: string } {
  gc?.();
  const before = process.memoryUsage().heapUsed;
  const t0 = performance.now();
  const kept = parse();
  const ms = (performance.now() - t0).toFixed(0);
  gc?.();
  const held = (process.memoryUsage().heapUsed - before) / 2 ** 20;
  if (kept === undefined) throw new Error("nothing parsed");
  return { held: held.toFixed(1), ms };
}

const rows: string[][] = [["reader", "rows", "file MiB", "heap held MiB", "ms"]];
const fileMiB = (Buffer.byteLength(text) / 2 ** 20).toFixed(1);
for (const [name, parse] of [
  ["parseDelimited (a string per cell)", () => parseDelimited(text, "bench.csv")],
  ["readColumns (numbers per column)", () => readColumns(text, "bench.csv", { textColumns: ["date"] })],
] as const) {
  const r = heldMiB(parse);
  rows.push([name, String(rowsArg), fileMiB, r.held, r.ms]);
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) process.stdout.write(`${r.map((v, c) => v.padEnd(widths[c]!)).join("  ")}\n`);

/**
 * Prints how long preparing the bundled datasets and cutting windows takes, and the windows' size.
 * Run: `npx tsx packages/timeseries/bench/prepare-bench.ts` (from the repository root).
 */
import { datasetSpecSchema } from "@hyperq/protocol";
import { clearPreparedCache, makeWindows, prepareDataset, prepareDatasetCached, readDatasetSource } from "../src/index.ts";

const ms = (t0: number): string => (performance.now() - t0).toFixed(1);
const rows: string[][] = [["dataset", "step", "ms", "windows (train/val/test)", "x+y MiB"]];
for (const name of ["sp500", "seattle-weather"] as const) {
  const spec = datasetSpecSchema.parse({ name, targetTransform: name === "sp500" ? "log-return" : "raw" });
  let t0 = performance.now();
  const { text, file } = readDatasetSource(spec, process.cwd());
  rows.push([name, "read file", ms(t0), "", ""]);
  t0 = performance.now();
  prepareDataset(spec, text, file);
  rows.push([name, "prepareDataset", ms(t0), "", ""]);
  clearPreparedCache();
  t0 = performance.now();
  const p = prepareDatasetCached(spec, text, file);
  rows.push([name, "prepareDatasetCached (miss)", ms(t0), "", ""]);
  t0 = performance.now();
  prepareDatasetCached(spec, text, file);
  rows.push([name, "prepareDatasetCached (hit)", ms(t0), "", ""]);
  for (const seqLen of [5, 20, 60, 120]) {
    t0 = performance.now();
    const w = makeWindows(p, seqLen);
    const took = ms(t0);
    const bytes = [w.train, w.val, w.test].reduce((s, set) => s + set.x.byteLength + set.y.byteLength, 0);
    rows.push([name, `makeWindows(seq_len=${seqLen})`, took, `${w.train.n}/${w.val.n}/${w.test.n}`, (bytes / 2 ** 20).toFixed(1)]);
  }
}
const widths = rows[0]!.map((_, c) => Math.max(...rows.map((r) => r[c]!.length)));
for (const r of rows) console.log(r.map((cell, c) => cell.padEnd(widths[c]!)).join("  "));

/**
 * A strict reader of the Prometheus text exposition format (0.0.4), as Prometheus itself reads a
 * scrape: used by the tests to prove `/metrics` is well formed, not just that it contains words.
 *
 * It refuses what Prometheus would refuse or misread: a malformed line, name or label, a value
 * that is not a float, a `TYPE` after its samples or given twice, the same series twice, and a
 * histogram whose buckets are not cumulative, lack `+Inf`, or disagree with `_count`.
 *
 * ```ts
 * const families = parsePrometheusText(await (await fetch(`${url}/metrics`)).text());
 * families.get("hyperq_trials_wanted")?.samples[0]?.value;
 * ```
 */

export interface PromSample {
  /** The sample's own name (`x_bucket`, `x_sum`, … for a histogram). */
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface PromFamily {
  name: string;
  type: "counter" | "gauge" | "histogram" | "summary" | "untyped";
  help?: string;
  samples: PromSample[];
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const TYPES = new Set(["counter", "gauge", "histogram", "summary", "untyped"]);

/** A float as Prometheus reads one (Go's ParseFloat: NaN and Inf in any case). */
function parseValue(s: string, line: number): number {
  const lower = s.toLowerCase();
  if (lower === "nan") return Number.NaN;
  if (lower === "+inf" || lower === "inf") return Number.POSITIVE_INFINITY;
  if (lower === "-inf") return Number.NEGATIVE_INFINITY;
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) throw new Error(`line ${line}: "${s}" is not a sample value`);
  return Number(s);
}

/** Reads `{a="x", b="y"}` starting at `text[0] === "{"`; returns the labels and the rest of the line. */
function parseLabels(text: string, line: number): { labels: Record<string, string>; rest: string } {
  const labels: Record<string, string> = {};
  let i = 1;
  const skipBlank = () => {
    while (text[i] === " " || text[i] === "\t") i++;
  };
  for (;;) {
    skipBlank();
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    const m = /^[a-zA-Z_][a-zA-Z0-9_]*/.exec(text.slice(i));
    if (!m) throw new Error(`line ${line}: bad label name at "${text.slice(i, i + 20)}"`);
    const name = m[0];
    i += name.length;
    skipBlank();
    if (text[i] !== "=" || text[i + 1] !== '"') throw new Error(`line ${line}: label ${name} must be followed by ="…"`);
    i += 2;
    let value = "";
    for (;;) {
      const c = text[i];
      if (c === undefined) throw new Error(`line ${line}: unterminated value of label ${name}`);
      if (c === '"') break;
      if (c === "\\") {
        const n = text[i + 1];
        if (n === "n") value += "\n";
        else if (n === "\\" || n === '"') value += n;
        else throw new Error(`line ${line}: bad escape \\${n ?? ""} in label ${name}`);
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    i++;
    if (name in labels) throw new Error(`line ${line}: label ${name} given twice`);
    if (!LABEL_NAME.test(name) || name.startsWith("__")) throw new Error(`line ${line}: reserved label name ${name}`);
    labels[name] = value;
    skipBlank();
    if (text[i] === ",") {
      i++;
      continue;
    }
    if (text[i] === "}") return { labels, rest: text.slice(i + 1) };
    throw new Error(`line ${line}: expected , or } after label ${name}`);
  }
}

/** The family a sample belongs to: a histogram's `_bucket`/`_sum`/`_count` belong to its base name. */
function familyOf(sample: string, families: Map<string, PromFamily>): PromFamily | undefined {
  const direct = families.get(sample);
  if (direct) return direct;
  const m = /^(.*)_(bucket|sum|count)$/.exec(sample);
  const base = m ? families.get(m[1]!) : undefined;
  if (base && (base.type === "histogram" || (base.type === "summary" && m![2] !== "bucket"))) return base;
  return undefined;
}

function checkHistogram(f: PromFamily): void {
  const series = new Map<string, { buckets: [number, number][]; count?: number }>();
  for (const s of f.samples) {
    const { le, ...rest } = s.labels;
    const key = JSON.stringify(Object.entries(rest).sort());
    const e = series.get(key) ?? { buckets: [] };
    series.set(key, e);
    if (s.name === `${f.name}_bucket`) {
      if (le === undefined) throw new Error(`${f.name}: a bucket without le`);
      e.buckets.push([parseValue(le, 0), s.value]);
    } else if (s.name === `${f.name}_count`) e.count = s.value;
    else if (s.name !== `${f.name}_sum`) throw new Error(`${f.name}: unexpected sample ${s.name} in a histogram`);
  }
  for (const [key, e] of series) {
    const sorted = [...e.buckets].sort((a, b) => a[0] - b[0]);
    const last = sorted.at(-1);
    if (!last || last[0] !== Number.POSITIVE_INFINITY) throw new Error(`${f.name}${key}: no +Inf bucket`);
    for (let i = 1; i < sorted.length; i++) if (sorted[i]![1] < sorted[i - 1]![1]) throw new Error(`${f.name}${key}: buckets are not cumulative`);
    if (e.count !== last[1]) throw new Error(`${f.name}${key}: _count ${e.count} differs from the +Inf bucket ${last[1]}`);
  }
}

/** Parses a scrape; throws with the line number on anything Prometheus would not accept. */
export function parsePrometheusText(text: string): Map<string, PromFamily> {
  const families = new Map<string, PromFamily>();
  const seen = new Set<string>();
  const lines = text.split("\n");
  for (const [idx, raw] of lines.entries()) {
    const n = idx + 1;
    const line = raw.trim();
    if (line === "") continue;
    if (line.startsWith("#")) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s+(.*))?$/.exec(line);
      if (!m) continue; // a plain comment
      const [, kind, name, arg = ""] = m;
      if (!NAME.test(name!)) throw new Error(`line ${n}: bad metric name "${name}"`);
      let f = families.get(name!);
      if (kind === "TYPE") {
        if (!TYPES.has(arg)) throw new Error(`line ${n}: unknown type "${arg}" for ${name}`);
        if (f && (f.samples.length > 0 || f.type !== "untyped")) throw new Error(`line ${n}: TYPE of ${name} after its samples or given twice`);
        f ??= { name: name!, type: "untyped", samples: [] };
        f.type = arg as PromFamily["type"];
      } else {
        f ??= { name: name!, type: "untyped", samples: [] };
        if (f.help !== undefined) throw new Error(`line ${n}: HELP of ${name} given twice`);
        f.help = arg;
      }
      families.set(name!, f);
      continue;
    }
    const nm = /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(line);
    if (!nm) throw new Error(`line ${n}: bad sample line "${line.slice(0, 60)}"`);
    const name = nm[0];
    let rest = line.slice(name.length);
    let labels: Record<string, string> = {};
    if (rest.startsWith("{")) ({ labels, rest } = parseLabels(rest, n));
    const parts = rest.trim().split(/\s+/);
    if (parts.length < 1 || parts.length > 2 || parts[0] === "") throw new Error(`line ${n}: expected a value (and optional timestamp) after ${name}`);
    if (parts[1] !== undefined && !/^-?\d+$/.test(parts[1])) throw new Error(`line ${n}: bad timestamp "${parts[1]}"`);
    const value = parseValue(parts[0]!, n);
    const series = `${name}${JSON.stringify(Object.entries(labels).sort())}`;
    if (seen.has(series)) throw new Error(`line ${n}: series ${name}${JSON.stringify(labels)} given twice`);
    seen.add(series);
    let f = familyOf(name, families);
    if (!f) {
      f = { name, type: "untyped", samples: [] };
      families.set(name, f);
    }
    f.samples.push({ name, labels, value });
  }
  for (const f of families.values()) if (f.type === "histogram") checkHistogram(f);
  return families;
}

/** The value of the one sample of `family` whose labels include `labels`; undefined when none. */
export function sampleValue(families: Map<string, PromFamily>, family: string, labels: Record<string, string> = {}, sampleName = family): number | undefined {
  const f = families.get(family);
  const s = f?.samples.find((x) => x.name === sampleName && Object.entries(labels).every(([k, v]) => x.labels[k] === v));
  return s?.value;
}

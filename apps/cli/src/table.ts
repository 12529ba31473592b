import { bestBaselineRatio, type TrialMetrics, type TrialRecord } from "@hyperq/protocol";

/** Formats rows as an aligned plain-text table (numbers right-aligned). */
export function formatTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? "").length)));
  const numeric = headers.map((_, i) => rows.length > 0 && rows.every((r) => /^-?[\d.,e+-]*%?$|^—$/.test(r[i] ?? "")));
  const line = (cells: readonly string[]) =>
    cells.map((c, i) => (numeric[i] ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join("  ").trimEnd();
  return [line(headers), widths.map((w) => "─".repeat(w)).join("  "), ...rows.map(line)].join("\n");
}

export function fmtNum(v: number | undefined, digits = 4): string {
  if (v === undefined || Number.isNaN(v)) return "—";
  if (!Number.isFinite(v)) return String(v);
  const a = Math.abs(v);
  if (a !== 0 && (a < 1e-3 || a >= 1e6)) return v.toExponential(digits - 1);
  return Number(v.toPrecision(digits)).toString();
}

export function fmtDuration(ms: number | undefined): string {
  if (ms === undefined) return "—";
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, "0")}s`;
}

/** The best baseline's short name and the model's MAE ratio to it, for a table row ("—" for older results). */
export function bestBaselineCells(m: TrialMetrics | undefined): [string, string] {
  if (!m?.baselines) return ["—", "—"];
  return [m.baselines.best, fmtNum(bestBaselineRatio(m.valMae, m.baselines), 3)];
}

/**
 * The leaderboard as the CLI prints it: rank, result against the naive forecast and against the
 * best baseline (its name and the MAE ratio to it), parameters.
 */
export function leaderboardTable(rows: readonly TrialRecord[], offset = 0): string {
  const paramNames = [...new Set(rows.flatMap((r) => Object.keys(r.params)))];
  const headers = ["rank", "trial", "state", "val_loss", "val_mae", "naive_mae", "ratio", "best_baseline", "ratio_best", ...paramNames, "epochs", "time", "worker"];
  const body = rows.map((r, i) => {
    const m = r.metrics;
    return [
      String(offset + i + 1),
      String(r.number),
      r.state,
      fmtNum(m?.valLoss ?? r.bestValLoss),
      fmtNum(m?.valMae),
      fmtNum(m?.naiveMae),
      fmtNum(m?.maeRatio, 3),
      ...bestBaselineCells(m),
      ...paramNames.map((p) => (r.params[p] === undefined ? "—" : typeof r.params[p] === "number" ? fmtNum(r.params[p] as number) : String(r.params[p]))),
      String(m?.epochs ?? r.epochsReported),
      fmtDuration(m?.durationMs ?? (r.finishedAt && r.startedAt ? r.finishedAt - r.startedAt : undefined)),
      r.workerId ?? "—",
    ];
  });
  return formatTable(headers, body);
}

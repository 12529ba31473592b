/** Runs a Python reference peer (Debian's /usr/bin/python3) and reads the JSON lines it prints. */
import { spawnSync } from "node:child_process";
import { basename } from "node:path";

/**
 * The JSON objects a reference script printed, one per line; on failure, an empty list and one
 * line on stderr (with the package to install), so a benchmark prints the rest of its table.
 */
export function pythonJsonLines<T>(script: string, args: readonly string[], pkg = "python3-optuna"): T[] {
  const r = spawnSync("/usr/bin/python3", [script, ...args], { encoding: "utf8", maxBuffer: 1 << 24 });
  if (r.status !== 0) {
    console.error(`${basename(script)} failed (apt-get install -y ${pkg}?): ${r.stderr.slice(-500)}`);
    return [];
  }
  return r.stdout
    .split("\n")
    .filter((l) => l.trim().startsWith("{"))
    .map((l) => JSON.parse(l) as T);
}

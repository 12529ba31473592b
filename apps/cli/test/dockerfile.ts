/**
 * Just enough of a Dockerfile reader to replay an image's build and entrypoint without Docker: the
 * instructions of each stage, `COPY` from the build context into a folder standing for the image's
 * WORKDIR (honouring .dockerignore), and the `ENTRYPOINT`/`CMD` in exec form.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative, resolve } from "node:path";

export interface Instruction {
  op: string;
  args: string;
}
export interface Stage {
  from: string;
  name?: string;
  instructions: Instruction[];
}

/** The stages of a Dockerfile, continuation lines joined and comments dropped. */
export function readDockerfile(file: string): Stage[] {
  const lines = readFileSync(file, "utf8").split("\n");
  const joined: string[] = [];
  let cur = "";
  for (const raw of lines) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, "");
    if (line.endsWith("\\")) {
      cur += `${line.slice(0, -1)} `;
      continue;
    }
    cur += line;
    if (cur.trim()) joined.push(cur.trim());
    cur = "";
  }
  const stages: Stage[] = [];
  for (const l of joined) {
    const m = /^(\S+)\s+(.*)$/.exec(l);
    if (!m) continue;
    const op = m[1]!.toUpperCase();
    const args = m[2]!;
    if (op === "FROM") {
      const f = /^(\S+)(?:\s+AS\s+(\S+))?/i.exec(args)!;
      stages.push({ from: f[1]!, ...(f[2] ? { name: f[2] } : {}), instructions: [] });
    } else if (stages.length > 0) {
      stages.at(-1)!.instructions.push({ op, args });
    }
  }
  return stages;
}

/** An exec-form instruction's argument list (`["node", "x.mjs"]`). */
export function execForm(stage: Stage, op: "ENTRYPOINT" | "CMD" | "HEALTHCHECK"): string[] | undefined {
  const i = stage.instructions.filter((x) => x.op === op).at(-1);
  if (!i) return undefined;
  const json = op === "HEALTHCHECK" ? i.args.replace(/^.*?CMD\s+/, "") : i.args;
  return JSON.parse(json) as string[];
}

function globRegex(pattern: string): RegExp {
  const esc = pattern.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*").replace(/\?/g, "[^/]");
  return new RegExp(`^${esc}$`);
}

/** A filter from .dockerignore: a path is left out when any of its segments matches a pattern. */
export function dockerIgnore(context: string): (path: string) => boolean {
  const file = join(context, ".dockerignore");
  const patterns = existsSync(file)
    ? readFileSync(file, "utf8")
        .split("\n")
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith("#"))
        .map((l) => globRegex(l.replace(/^\*\*\//, "").replace(/\/$/, "")))
    : [];
  return (path) => relative(context, path).split("/").some((seg) => patterns.some((p) => p.test(seg)));
}

/** Replays a stage's `COPY <src>... <dest>` from the build context (not `--from`) into `dir`. */
export function copyFromContext(stage: Stage, context: string, dir: string): void {
  const ignored = dockerIgnore(context);
  for (const i of stage.instructions) {
    if (i.op !== "COPY" || i.args.includes("--from")) continue;
    const parts = i.args.split(/\s+/).filter((p) => !p.startsWith("--"));
    const dest = parts.pop()!;
    for (const src of parts) {
      const from = resolve(context, src);
      const isDir = statSync(from).isDirectory();
      const to = dest.endsWith("/") && !isDir ? join(dir, dest, basename(src)) : join(dir, dest === "./" ? (isDir ? "." : basename(src)) : dest);
      mkdirSync(isDir ? to : resolve(to, ".."), { recursive: true });
      cpSync(from, to, { recursive: true, filter: (p) => !ignored(p) });
    }
  }
}

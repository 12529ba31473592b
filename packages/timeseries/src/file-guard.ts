import { realpathSync, statSync, type Stats } from "node:fs";
import { isAbsolute, relative, sep } from "node:path";
import { DatasetError } from "./errors.ts";

/** Folders whose files are kernel or device views, never datasets (`/proc/self/environ` holds secrets). */
const SYSTEM_ROOTS = ["/proc", "/sys", "/dev"];

/** Largest user dataset file read by default: 64 MiB. */
export const DEFAULT_MAX_DATASET_BYTES = 64 * 1024 * 1024;

/** The bound on a user dataset file's size, checked with `stat` before the file is read. */
export interface DatasetSizeLimit {
  /** @defaultValue {@link DEFAULT_MAX_DATASET_BYTES} */
  maxBytes?: number;
  /** How to raise it, for the message (e.g. "set HYPERQ_MAX_DATASET_MB to raise it"). */
  hint?: string;
}

/** What {@link inspectDatasetFile} found: the file to read and what the user should hear about it. */
export interface DatasetFileCheck {
  /** The path after every symlink is resolved: what is actually read. */
  real: string;
  /** Size in bytes, from `stat` before reading. */
  size: number;
  /** One-line notes that do not stop the launch (e.g. the file lies outside the spec's folder). */
  warnings: string[];
}

/**
 * Checks a user dataset path before a byte of it is read. Symlinks are resolved first, so a link
 * is judged by its target. Refused: anything that is not a regular file (devices, FIFOs, sockets,
 * folders) and any file under `/proc`, `/sys` or `/dev`. A file outside `baseDir` (the spec's
 * folder) is allowed, with a warning. A file larger than `limit.maxBytes` is refused, naming the
 * limit and the file's size.
 *
 * @param abs the path as the spec resolves it (named in messages as `file`)
 * @throws DatasetError naming the file and the rule; the message never holds the file's contents.
 */
export function inspectDatasetFile(abs: string, baseDir: string, limit: DatasetSizeLimit = {}, file: string = abs): DatasetFileCheck {
  let real: string;
  let st: Stats;
  try {
    real = realpathSync(abs);
    st = statSync(real);
  } catch (cause) {
    const code = (cause as { code?: unknown }).code;
    throw new DatasetError({ file, rule: `the file must exist and be readable, but reading it failed (${typeof code === "string" ? code : "unknown error"})`, cause });
  }
  const via = real === abs ? "" : ` (it resolves to ${real})`;
  const root = SYSTEM_ROOTS.find((r) => real === r || real.startsWith(`${r}/`));
  if (root !== undefined) {
    throw new DatasetError({ file, rule: `a dataset must be a regular data file, but this one lies under ${root}, a system folder${via}` });
  }
  if (!st.isFile()) {
    throw new DatasetError({ file, rule: `a dataset must be a regular file, but this one is ${fileKind(st)}${via}` });
  }
  const maxBytes = limit.maxBytes ?? DEFAULT_MAX_DATASET_BYTES;
  if (st.size > maxBytes) {
    const hint = limit.hint === undefined ? "" : ` (${limit.hint})`;
    throw new DatasetError({ file, rule: `a dataset file may hold at most ${formatMiB(maxBytes)}${hint}, but this one holds ${formatMiB(st.size)}` });
  }
  const warnings: string[] = [];
  const base = safeRealpath(baseDir);
  const rel = relative(base, real);
  if (rel === ".." || rel.startsWith(`..${sep}`) || isAbsolute(rel)) {
    warnings.push(`warning: dataset ${file} lies outside the spec's folder ${base}${via}; make sure it is the file you mean to upload`);
  }
  return { real, size: st.size, warnings };
}

function safeRealpath(p: string): string {
  try {
    return realpathSync(p);
  } catch {
    return p;
  }
}

function fileKind(st: Stats): string {
  if (st.isDirectory()) return "a folder";
  if (st.isCharacterDevice()) return "a character device";
  if (st.isBlockDevice()) return "a block device";
  if (st.isFIFO()) return "a FIFO (named pipe)";
  if (st.isSocket()) return "a socket";
  return "not a regular file";
}

/** Bytes for messages: "64 MiB (67108864 bytes)", "214.3 MiB (…)", "3000 bytes". */
function formatMiB(bytes: number): string {
  const mib = bytes / (1024 * 1024);
  if (mib < 1) return `${bytes} bytes`;
  return `${Number.isInteger(mib) ? mib : mib.toFixed(1)} MiB (${bytes} bytes)`;
}

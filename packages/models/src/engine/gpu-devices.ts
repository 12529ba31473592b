/**
 * Which CUDA GPUs this process may use, and the refusal to run the `tensorflow-gpu` backend
 * without one: libtensorflow that finds no CUDA device quietly places every op on the CPU, so a
 * GPU worker would train ten times slower and report `tensorflow-gpu` all the same.
 *
 * ```ts
 * const gpus = requireGpus(listNvidiaGpus, process.env["CUDA_VISIBLE_DEVICES"]); // throws when none
 * ```
 */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** A GPU as the NVIDIA driver lists it. */
export interface GpuDevice {
  /** The driver's index (what CUDA_VISIBLE_DEVICES names by number). */
  index: string;
  /** `GPU-…`, when known (CUDA_VISIBLE_DEVICES may name it instead of the index). */
  uuid?: string;
  /** e.g. "NVIDIA H200". */
  name: string;
}

/** Thrown when the `tensorflow-gpu` backend is asked for and no GPU is visible. */
export class NoGpuError extends Error {
  override readonly name = "NoGpuError";
}

/**
 * The GPUs the driver lists: `nvidia-smi` (mounted by the NVIDIA container toolkit), else the
 * driver's /proc entries. Throws when neither is there (no driver).
 */
export function listNvidiaGpus(): GpuDevice[] {
  try {
    const out = execFileSync("nvidia-smi", ["--query-gpu=index,uuid,name", "--format=csv,noheader"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 20_000 });
    return parseNvidiaSmi(out);
  } catch (smiError) {
    let dirs: string[];
    try {
      dirs = readdirSync("/proc/driver/nvidia/gpus");
    } catch {
      throw new Error(`no NVIDIA driver: nvidia-smi failed (${(smiError as Error).message.split("\n")[0]}) and /proc/driver/nvidia/gpus is absent`);
    }
    return dirs.sort().map((dir, i) => {
      const info = readFileSync(`/proc/driver/nvidia/gpus/${dir}/information`, "utf8");
      const model = /^Model:\s*(.+)$/m.exec(info)?.[1]?.trim() ?? "NVIDIA GPU";
      const uuid = /^GPU UUID:\s*(\S+)$/m.exec(info)?.[1];
      return uuid ? { index: String(i), uuid, name: model } : { index: String(i), name: model };
    });
  }
}

/** Parses `nvidia-smi --query-gpu=index,uuid,name --format=csv,noheader`. */
export function parseNvidiaSmi(out: string): GpuDevice[] {
  return out
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l !== "")
    .map((l) => {
      const [index = "", uuid = "", ...name] = l.split(",").map((s) => s.trim());
      return { index, uuid, name: name.join(", ") };
    });
}

/**
 * The listed GPUs that CUDA_VISIBLE_DEVICES leaves visible (indexes or UUIDs, comma-separated;
 * unset: all; empty or `-1`: none).
 */
export function visibleGpus(listed: readonly GpuDevice[], cudaVisibleDevices: string | undefined): GpuDevice[] {
  if (cudaVisibleDevices === undefined) return [...listed];
  const wanted = cudaVisibleDevices
    .split(",")
    .map((s) => s.trim())
    .filter((s) => s !== "");
  const out: GpuDevice[] = [];
  for (const w of wanted) {
    // CUDA stops at the first invalid entry.
    const d = listed.find((g) => g.index === w || (w.startsWith("GPU-") && g.uuid?.startsWith(w) === true));
    if (!d) break;
    out.push(d);
  }
  return out;
}

/**
 * The GPUs the `tensorflow-gpu` backend would use, or a `NoGpuError` saying why there are none.
 * `list` is the driver's listing (`listNvidiaGpus` in production; any function in tests).
 */
export function requireGpus(list: () => GpuDevice[], cudaVisibleDevices: string | undefined): GpuDevice[] {
  let listed: GpuDevice[];
  try {
    listed = list();
  } catch (e) {
    throw new NoGpuError(`backend "tensorflow-gpu" needs a CUDA GPU, but none can be found (${(e as Error).message}); refusing to train on the CPU. Give the container a GPU (--gpus, the NVIDIA container toolkit) or choose --backend tensorflow or wasm`);
  }
  const visible = visibleGpus(listed, cudaVisibleDevices);
  if (visible.length > 0) return visible;
  const why = listed.length === 0 ? "the NVIDIA driver lists no GPU" : `CUDA_VISIBLE_DEVICES=${JSON.stringify(cudaVisibleDevices)} hides all ${listed.length} listed`;
  throw new NoGpuError(`backend "tensorflow-gpu" needs a CUDA GPU, but none is visible (${why}); refusing to train on the CPU. Give the container a GPU (--gpus, the NVIDIA container toolkit) or choose --backend tensorflow or wasm`);
}

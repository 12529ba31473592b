/**
 * Choosing and loading the tfjs backend, once per process.
 *
 * Order of preference: `tensorflow-gpu` (@tensorflow/tfjs-node-gpu, installed only in the GPU image),
 * `tensorflow` (@tensorflow/tfjs-node), `wasm` (the default where libtensorflow is absent), `cpu`.
 * The native bindings are never dependencies of this package: they are imported dynamically and only
 * used when present.
 */
import { backend, getBackend, getKernel, memory, ready, registerKernel, setBackend } from "@tensorflow/tfjs-core";
import "./register-gradients.ts";
import { fusedLstmKernelConfigs } from "./lstm-kernels.ts";
import { installWasmPatches, originalWasmMatMul } from "./wasm-patches.ts";
import { listNvidiaGpus, requireGpus } from "./gpu-devices.ts";
import { requestedTrialThreads } from "./trial-threads.ts";
import { nativeLstm } from "./native-lstm.ts";

export const BACKEND_NAMES = ["tensorflow-gpu", "tensorflow", "wasm", "cpu"] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** The backend training runs on. */
export interface BackendInfo {
  name: BackendName;
  /**
   * On wasm: the threads asked for (HYPERQ_TRIAL_THREADS) and those the LSTM layers run with: all of
   * them on the native kernels; one without them (tfjs-backend-wasm 4.22's threaded binary is
   * browser-only, so XNNPACK runs one thread under Node).
   */
  threads?: { requested: number; effective: number };
  /**
   * What runs the LSTM layers: `native x86-64-v4` / `x86-64-v3` / `baseline` (the C++ kernels on the wasm
   * heap, by instruction set), `webassembly` (wasm without them: SIMD gate kernels and XNNPACK),
   * `js` (cpu) or `tensorflow` (libtensorflow's ops).
   */
  lstmKernels: string;
}

/** Thrown when a backend named by the caller or by HYPERQ_BACKEND cannot be loaded. */
export class BackendUnavailableError extends Error {
  override readonly name = "BackendUnavailableError";
  constructor(
    message: string,
    override readonly cause?: unknown,
  ) {
    super(message);
  }
}

let active: BackendInfo | undefined;
let pending: Promise<BackendInfo> | undefined;

function isBackendName(s: string): s is BackendName {
  return (BACKEND_NAMES as readonly string[]).includes(s);
}

/** Imports a module that is not a dependency of this package (so TypeScript must not resolve it). */
async function importOptional(specifier: string): Promise<unknown> {
  return import(specifier);
}

/**
 * Loads and activates one backend now, without the once-per-process bookkeeping of `initBackend`
 * (for tests that compare backends in one process). Throws when it cannot load.
 */
export async function loadBackend(name: BackendName): Promise<void> {
  await tryLoad(name);
}

function info(name: BackendName, threads: BackendInfo["threads"]): BackendInfo {
  const native = name === "wasm" ? nativeLstm() : undefined;
  const lstmKernels = native !== undefined ? `native ${native.isa}` : name === "wasm" ? "webassembly" : name === "cpu" ? "js" : "tensorflow";
  return threads === undefined ? { name, lstmKernels } : { name, threads, lstmKernels };
}

/** Loads one backend; returns its thread counts where the backend reports them. */
async function tryLoad(name: BackendName): Promise<BackendInfo["threads"]> {
  switch (name) {
    case "tensorflow-gpu":
      // Without a CUDA device libtensorflow would quietly run every op on the CPU.
      requireGpus(listNvidiaGpus, process.env["CUDA_VISIBLE_DEVICES"]);
      // Read by libtensorflow when it creates the GPU device: memory is taken as needed instead of
      // all at once, so the trial processes of a worker (--concurrency) can share one GPU.
      process.env["TF_FORCE_GPU_ALLOW_GROWTH"] ??= "true";
      await importOptional("@tensorflow/tfjs-node-gpu");
      if (!(await setBackend("tensorflow"))) throw new Error("tfjs-node-gpu loaded but the tensorflow backend did not start");
      return;
    case "tensorflow":
      await importOptional("@tensorflow/tfjs-node");
      if (!(await setBackend("tensorflow"))) throw new Error("tfjs-node loaded but the tensorflow backend did not start");
      return;
    case "wasm": {
      const wasm = await import("@tensorflow/tfjs-backend-wasm");
      // Read once, when the backend is created: set before setBackend.
      const requested = requestedTrialThreads(process.env["HYPERQ_TRIAL_THREADS"]);
      wasm.setThreadsCount(requested);
      if (!(await setBackend("wasm"))) throw new Error("the wasm backend did not start (its .wasm binary could not be loaded)");
      await ready();
      installWasmPatches();
      registerFusedKernels("wasm");
      // The native LSTM kernels run their own threads; XNNPACK (the rest of the model) runs one.
      const native = nativeLstm();
      return { requested, effective: native !== undefined ? native.setThreads(requested) : wasm.getThreadsCount() };
    }
    case "cpu":
      await import("@tensorflow/tfjs-backend-cpu");
      if (!(await setBackend("cpu"))) throw new Error("the cpu backend did not start");
      // The cpu backend advertises tfjs-node on first use; initBackend already chose it knowingly.
      silenceFirstUseNotice(backend());
      registerFusedKernels("cpu");
      return;
  }
}

function silenceFirstUseNotice(b: object): void {
  if ("firstUse" in b) (b as { firstUse: boolean }).firstUse = false;
}

function registerFusedKernels(backendName: "wasm" | "cpu"): void {
  const matMul = backendName === "wasm" ? originalWasmMatMul() : getKernel("BatchMatMul", "cpu")?.kernelFunc;
  if (matMul === undefined) throw new Error(`BatchMatMul is not registered for ${backendName}`);
  for (const config of fusedLstmKernelConfigs(backendName, matMul)) {
    if (getKernel(config.kernelName, backendName) === undefined) registerKernel(config);
  }
}

async function load(preferred: string | undefined): Promise<BackendInfo> {
  const forced = preferred ?? process.env["HYPERQ_BACKEND"];
  if (forced !== undefined && forced !== "") {
    if (!isBackendName(forced)) {
      throw new BackendUnavailableError(`HYPERQ_BACKEND must be one of ${BACKEND_NAMES.join(", ")}, but got "${forced}"`);
    }
    try {
      return info(forced, await tryLoad(forced));
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      throw new BackendUnavailableError(`backend "${forced}" was requested but cannot be loaded: ${why}`, err);
    }
  }
  const failures: string[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      return info(name, await tryLoad(name));
    } catch (err) {
      failures.push(`${name}: ${err instanceof Error ? err.message.split("\n")[0] : String(err)}`);
    }
  }
  throw new BackendUnavailableError(`no tfjs backend could be loaded (${failures.join("; ")})`);
}

/**
 * Loads the best available backend — or `preferred`, or the one HYPERQ_BACKEND names — once per
 * process; later calls return the same answer. A forced backend that cannot load is an error
 * (`BackendUnavailableError`) naming it and why, never a silent fallback.
 */
export async function initBackend(preferred?: string): Promise<BackendInfo> {
  if (active !== undefined) {
    if (preferred !== undefined && preferred !== active.name) {
      throw new BackendUnavailableError(`backend "${active.name}" is already initialised in this process; cannot switch to "${preferred}"`);
    }
    return active;
  }
  pending ??= load(preferred).then(
    (info) => {
      active = info;
      return info;
    },
    (err: unknown) => {
      pending = undefined;
      throw err;
    },
  );
  return pending;
}

/** The backend chosen by `initBackend`, or undefined before it ran. */
export function activeBackend(): BackendInfo | undefined {
  return active;
}

/** Whether the fused LSTM kernels exist for the current tfjs backend. */
export function hasFusedLstmKernels(): boolean {
  return getKernel("HyperqLstmForward", getBackend()) !== undefined;
}

/** Memory held by the engine: live tensors and bytes, and on wasm the size the heap has grown to (it never shrinks; 4 GiB at most). */
export interface EngineMemory {
  numTensors: number;
  numBytes: number;
  wasmHeapBytes?: number;
}

export function engineMemory(): EngineMemory {
  const m = memory();
  const heap = getBackend() === "wasm" ? (backend() as unknown as { wasm?: { HEAPU8?: Uint8Array } }).wasm?.HEAPU8?.length : undefined;
  return heap === undefined ? { numTensors: m.numTensors, numBytes: m.numBytes } : { numTensors: m.numTensors, numBytes: m.numBytes, wasmHeapBytes: heap };
}

/**
 * The native LSTM kernels (`packages/models/native`, C++ built at install by `native/build.mjs`):
 * a layer's forward pass and its backpropagation through time, each one call working in place on
 * the tfjs wasm backend's heap (offsets in bytes, sizes in elements; the addon bounds-checks every
 * span). Optional: where the addon was not built, or HYPERQ_NATIVE_KERNELS=off, `nativeLstm()` is
 * undefined and the fused kernels use the WebAssembly gate kernels and XNNPACK.
 */
import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

/** The addon's entry points. `heap` is the wasm memory's ArrayBuffer; pointers are byte offsets in it. */
export interface NativeLstm {
  /** forward(heap, T, B, I, H, reverse, x, wih, b, whh, h0, c0, hc, cSeq, gates) */
  forward(heap: ArrayBuffer, T: number, B: number, I: number, H: number, reverse: number, ...ptrs: number[]): void;
  /** backward(heap, T, B, I, H, reverse, dhc, x, wih, whh, h0, c0, hc, cSeq, gates, dx, dwih, db, dwhh, dh0, dc0) */
  backward(heap: ArrayBuffer, T: number, B: number, I: number, H: number, reverse: number, ...ptrs: number[]): void;
  /**
   * Threads every later call uses (1–256; the kernels cut their work so that results are the same
   * for any count). Returns the count now in use.
   */
  setThreads(n: number): number;
  /** The instruction set the kernels run with: `x86-64-v4` (AVX-512), `x86-64-v3` (AVX2 + FMA) or `baseline`. */
  readonly isa: string;
}

const ADDON = fileURLToPath(new URL("../../native/build/hyperq_lstm.node", import.meta.url));
let loaded: NativeLstm | null | undefined;

/**
 * The native kernels, or undefined when they are switched off (HYPERQ_NATIVE_KERNELS=off) or were
 * not built. Loaded once per process; a present addon that fails to load is an error, not a
 * silent fallback.
 */
export function nativeLstm(env: NodeJS.ProcessEnv = process.env): NativeLstm | undefined {
  if (env["HYPERQ_NATIVE_KERNELS"] === "off") return undefined;
  if (loaded === undefined) {
    loaded = existsSync(ADDON) ? (createRequire(import.meta.url)(ADDON) as NativeLstm) : null;
  }
  return loaded ?? undefined;
}

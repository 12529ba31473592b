import type { WeightSpec } from "@hyperq/protocol";
import type { WeightSnapshot } from "@hyperq/models";
import { ModelFolderError } from "./errors.ts";

/** Bytes one weight takes: float32. */
const BYTES_PER_VALUE = 4;

/** Values a weight of this shape holds. */
export function weightSize(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/** Bytes the weight file of these specs must hold. */
export function weightBytes(specs: readonly WeightSpec[]): number {
  return specs.reduce((n, s) => n + weightSize(s.shape) * BYTES_PER_VALUE, 0);
}

/** Weights as one buffer of float32 little-endian values, in order, with their specs. */
export function encodeWeights(weights: readonly WeightSnapshot[]): { specs: WeightSpec[]; bytes: Uint8Array } {
  const specs = weights.map((w) => ({ name: w.name, shape: [...w.shape] }));
  const bytes = new Uint8Array(weightBytes(specs));
  const view = new DataView(bytes.buffer);
  let at = 0;
  for (const w of weights) {
    for (let i = 0; i < w.values.length; i++, at += BYTES_PER_VALUE) view.setFloat32(at, w.values[i] as number, true);
  }
  return { specs, bytes };
}

/**
 * The inverse of {@link encodeWeights}.
 *
 * @throws ModelFolderError when the bytes do not hold exactly what the specs describe.
 */
export function decodeWeights(specs: readonly WeightSpec[], bytes: Uint8Array, file: string): WeightSnapshot[] {
  const want = weightBytes(specs);
  if (bytes.byteLength !== want) {
    throw new ModelFolderError(`${file} must hold ${want} bytes (the float32 weights manifest.json lists), but has ${bytes.byteLength}; the folder is incomplete or from another model`);
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 0;
  return specs.map((s) => {
    const values = new Float32Array(weightSize(s.shape));
    for (let i = 0; i < values.length; i++, at += BYTES_PER_VALUE) values[i] = view.getFloat32(at, true);
    return { name: s.name, shape: [...s.shape], values };
  });
}

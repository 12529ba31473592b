import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import type { Tensor, Tensor1D, Tensor2D, Tensor3D } from "@tensorflow/tfjs-core";
import { createResumableRng, MODEL_VARIANTS } from "@hyperq/protocol";
import { loadBackend } from "./backend.ts";
import { LSTM_BACKWARD_KERNEL, LSTM_FORWARD_KERNEL } from "./lstm-kernels.ts";
import { lstmSequenceFused, lstmSequenceReference } from "./lstm-op.ts";
import type { LstmResult, LstmRunOptions } from "./lstm-op.ts";
import { buildModel } from "../models.ts";
import { nativeLstm } from "./native-lstm.ts";

const pkg = fileURLToPath(new URL("../..", import.meta.url));

describe("lstm-gates.wasm", () => {
  it("is the build of assembly/lstm-gates.ts (run `pnpm --filter @hyperq/models build:wasm` after editing it)", () => {
    const dir = mkdtempSync(join(tmpdir(), "hyperq-wasm-"));
    try {
      const out = join(dir, "lstm-gates.wasm");
      const script = JSON.parse(readFileSync(join(pkg, "package.json"), "utf8")).scripts["build:wasm"] as string;
      const args = script.split(" ").slice(1).map((a) => (a === "src/engine/lstm-gates.wasm" ? out : a));
      const r = spawnSync(join(pkg, "node_modules/.bin/asc"), args, { cwd: pkg, encoding: "utf8" });
      expect(r.status, r.stderr).toBe(0);
      expect(readFileSync(out).equals(readFileSync(join(pkg, "src/engine/lstm-gates.wasm")))).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 60_000);

  it("imports its memory and has no data or globals of its own (it works inside the tfjs heap)", () => {
    const bytes = readFileSync(join(pkg, "src/engine/lstm-gates.wasm"));
    const module = new WebAssembly.Module(bytes);
    expect(WebAssembly.Module.imports(module)).toEqual([{ module: "env", name: "memory", kind: "memory" }]);
    // Section ids after the 8-byte header: 6 = globals, 8 = start, 11 = data.
    const ids: number[] = [];
    let i = 8;
    const leb = () => {
      let r = 0;
      let shift = 0;
      let byte: number;
      do {
        byte = bytes[i++] as number;
        r |= (byte & 127) << shift;
        shift += 7;
      } while (byte & 128);
      return r;
    };
    while (i < bytes.length) {
      ids.push(bytes[i++] as number);
      i += leb();
    }
    expect(ids.filter((id) => id === 6 || id === 8 || id === 11)).toEqual([]);
  });
});

type LstmFn = (x: Tensor3D, wih: Tensor2D, b: Tensor1D, whh: Tensor2D, h0: Tensor2D, c0: Tensor2D, options?: LstmRunOptions) => LstmResult;

/**
 * Odd sizes: H below, at and past the 4- and 8-lane widths with scalar tails; B and I odd; and for
 * the native kernels' matrix products every register block (6 rows and fewer; 16, 8 and tail
 * columns), a k longer than one 256-row chunk (T·B = 280) and an I ≥ 16 (dx through Wᵀ).
 */
const SIZES = [
  { T: 5, B: 3, I: 3, H: 7 },
  { T: 3, B: 1, I: 1, H: 3 },
  { T: 4, B: 5, I: 6, H: 9 },
  { T: 3, B: 8, I: 5, H: 6 },
  { T: 40, B: 7, I: 17, H: 13 },
];

/**
 * The engines the fused op runs on: wasm with the native kernels (where built), wasm with the
 * WebAssembly gate kernels and XNNPACK, and cpu.
 */
const ENGINES = [
  { name: "wasm, native kernels", backend: "wasm", native: "auto" },
  { name: "wasm, native kernels on 3 threads", backend: "wasm", native: "auto", threads: 3 },
  { name: "wasm, WebAssembly kernels", backend: "wasm", native: "off" },
  { name: "cpu", backend: "cpu", native: "off" },
] as const satisfies readonly { name: string; backend: string; native: "auto" | "off"; threads?: number }[];

/**
 * Sets HYPERQ_NATIVE_KERNELS (read by every kernel call) and the native kernels' threads for the
 * tests of one describe block.
 */
function useNative(setting: "auto" | "off", threads = 1): void {
  const before = process.env["HYPERQ_NATIVE_KERNELS"];
  beforeAll(() => {
    process.env["HYPERQ_NATIVE_KERNELS"] = setting;
    nativeLstm()?.setThreads(threads);
  });
  afterAll(() => {
    nativeLstm()?.setThreads(1);
    if (before === undefined) delete process.env["HYPERQ_NATIVE_KERNELS"];
    else process.env["HYPERQ_NATIVE_KERNELS"] = before;
  });
}

function randomInputs(s: (typeof SIZES)[number], seed: number): Tensor[] {
  const rng = createResumableRng(seed);
  const r = (shape: number[], scale: number) => tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => (rng.next() * 2 - 1) * scale), shape);
  return [r([s.T, s.B, s.I], 1.5), r([s.I, 4 * s.H], 0.8), r([4 * s.H], 0.5), r([s.H, 4 * s.H], 0.7), r([s.B, s.H], 0.5), r([s.B, s.H], 0.5), r([s.T, s.B, s.H], 1), r([s.B, s.H], 1)];
}

function lossOf(fn: LstmFn, wh: Tensor, wc: Tensor, reverse: boolean) {
  return (...t: Tensor[]) => {
    const r = fn(t[0] as Tensor3D, t[1] as Tensor2D, t[2] as Tensor1D, t[3] as Tensor2D, t[4] as Tensor2D, t[5] as Tensor2D, { reverse });
    return tf.add(tf.sum(tf.mul(r.h, wh)), tf.sum(tf.mul(r.c, wc)));
  };
}

function worstDiff(a: Tensor, b: Tensor): number {
  const x = a.dataSync();
  const y = b.dataSync();
  expect(x.length).toBe(y.length);
  let worst = 0;
  for (let i = 0; i < x.length; i++) worst = Math.max(worst, Math.abs((x[i] as number) - (y[i] as number)));
  return worst;
}

for (const engine of ENGINES) {
  describe(`fused LSTM at odd sizes on ${engine.name}`, () => {
    useNative(engine.native, "threads" in engine ? engine.threads : 1);
    beforeAll(async () => {
      await loadBackend(engine.backend);
    });

    for (const s of SIZES) {
      it.each([false, true])(`T${s.T} B${s.B} I${s.I} H${s.H}: forward and every gradient equal the reference (reverse: %s)`, (reverse) => {
        tf.tidy(() => {
          const all = randomInputs(s, s.H * 10 + (reverse ? 1 : 0));
          const inputs = all.slice(0, 6);
          const [wh, wc] = all.slice(6) as [Tensor, Tensor];
          const [x, wih, b, whh, h0, c0] = inputs as [Tensor3D, Tensor2D, Tensor1D, Tensor2D, Tensor2D, Tensor2D];
          const fused = lstmSequenceFused(x, wih, b, whh, h0, c0, { reverse });
          const ref = lstmSequenceReference(x, wih, b, whh, h0, c0, { reverse });
          expect(worstDiff(fused.hc, ref.hc)).toBeLessThan(1e-5);
          const gFused = tf.grads(lossOf(lstmSequenceFused, wh, wc, reverse))(inputs);
          const gRef = tf.grads(lossOf(lstmSequenceReference, wh, wc, reverse))(inputs);
          gFused.forEach((g, i) => {
            expect(g.shape).toEqual((inputs[i] as Tensor).shape);
            expect(worstDiff(g, gRef[i] as Tensor)).toBeLessThan(1e-4);
          });
        });
      });
    }
  });
}

describe.each(ENGINES.filter((e) => e.backend === "wasm"))("every model variant on $name: the fused kernels give the reference's loss and gradients", (engine) => {
  useNative(engine.native);
  beforeAll(async () => {
    await loadBackend("wasm");
  });

  /** Runs `f` with the fused kernels unregistered on wasm, so `lstmSequence` takes the reference. */
  function withReference<T>(f: () => T): T {
    const saved = [LSTM_FORWARD_KERNEL, LSTM_BACKWARD_KERNEL].map((name) => {
      const k = tf.getKernel(name, "wasm");
      if (k === undefined) throw new Error(`${name} is not registered on wasm`);
      tf.unregisterKernel(name, "wasm");
      return k;
    });
    try {
      return f();
    } finally {
      saved.forEach((k) => tf.registerKernel(k));
    }
  }

  it.each(MODEL_VARIANTS)("%s (inputSize 3, hidden 9, 2 layers, horizon 2, T 5, B 3)", (variant) => {
    const model = buildModel({ variant, inputSize: 3, hiddenSize: 9, numLayers: 2, dropout: 0, horizon: 2 }, 11);
    try {
      const rng = createResumableRng(12);
      const x = tf.tensor3d(Float32Array.from({ length: 3 * 5 * 3 }, () => rng.next() * 2 - 1), [3, 5, 3]);
      const y = tf.tensor2d(Float32Array.from({ length: 3 * 2 }, () => rng.next() * 2 - 1), [3, 2]);
      const run = () =>
        tf.variableGrads(() => tf.mean(tf.square(tf.sub(model.apply(x), y))) as tf.Scalar, model.variables as tf.Variable[]);
      const fused = run();
      const ref = withReference(run);
      expect(tf.getKernel(LSTM_FORWARD_KERNEL, "wasm")).toBeDefined();
      expect(Math.abs(fused.value.dataSync()[0]! - ref.value.dataSync()[0]!)).toBeLessThan(1e-5);
      const names = Object.keys(ref.grads);
      expect(Object.keys(fused.grads).sort()).toEqual([...names].sort());
      for (const name of names) expect(worstDiff(fused.grads[name] as Tensor, ref.grads[name] as Tensor)).toBeLessThan(1e-4);
      tf.dispose([x, y, fused.value, ref.value, ...Object.values(fused.grads), ...Object.values(ref.grads)]);
    } finally {
      model.dispose();
    }
  });
});

describe.runIf(nativeLstm() !== undefined)("native kernels on several threads", () => {
  useNative("auto");
  beforeAll(async () => {
    await loadBackend("wasm");
  });

  it("give bit-identical outputs and gradients for 1, 2 and 3 threads", () => {
    const s = { T: 40, B: 7, I: 17, H: 13 };
    const runs = [1, 2, 3].map((threads) => {
      nativeLstm()!.setThreads(threads);
      return tf.tidy(() => {
        const all = randomInputs(s, 77);
        const inputs = all.slice(0, 6);
        const [wh, wc] = all.slice(6) as [Tensor, Tensor];
        for (const reverse of [false, true]) {
          const [x, wih, b, whh, h0, c0] = inputs as [Tensor3D, Tensor2D, Tensor1D, Tensor2D, Tensor2D, Tensor2D];
          all.push(lstmSequenceFused(x, wih, b, whh, h0, c0, { reverse }).hc, ...tf.grads(lossOf(lstmSequenceFused, wh, wc, reverse))(inputs));
        }
        return all.slice(8).map((t) => Array.from(t.dataSync()));
      });
    });
    nativeLstm()!.setThreads(1);
    expect(runs[1]).toEqual(runs[0]);
    expect(runs[2]).toEqual(runs[0]);
  });
});

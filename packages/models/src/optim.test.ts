import { beforeAll, describe, expect, it } from "vitest";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "./engine/backend.ts";
import { clipByGlobalNorm, createOptimizer } from "./optim.ts";
import type { OptimizerOptions } from "./optim.ts";

/**
 * Reference trajectories from torch.optim 1.13 (float64): parameter [0.5, -1, 2], these three
 * gradients in turn, weight_decay 0.1, the learning rates below; each row is the parameter after
 * a step. They pin the details that differ between libraries: Adam's ε outside the bias-corrected
 * root, L2 weight decay added to the gradient, SGD's first momentum buffer = the gradient and no
 * dampening, RMSprop's α 0.99 and ε 1e-8 outside the root.
 */
const GRADS = [
  [0.3, -1.2, 0.05],
  [0.1, 0.4, -0.6],
  [-0.25, 0.9, 0.2],
];
const TORCH: Record<string, { options: OptimizerOptions; lr: number; after: number[][] }> = {
  "Adam(lr=0.01, weight_decay=0.1)": {
    options: { name: "adam", momentum: 0, weightDecay: 0.1 },
    lr: 0.01,
    after: [
      [0.4900000003, -0.9900000001, 1.9900000004],
      [0.4809193092, -0.9851516334, 1.9927719217],
      [0.4777175651, -0.9852312443, 1.9902836972],
    ],
  },
  "SGD(lr=0.05, momentum=0.9, weight_decay=0.1)": {
    options: { name: "sgd", momentum: 0.9, weightDecay: 0.1 },
    lr: 0.05,
    after: [
      [0.4825, -0.935, 1.9875],
      [0.4593375, -0.891825, 1.9963125],
      [0.4486945625, -0.893508375, 1.9842621875],
    ],
  },
  "RMSprop(lr=0.01, weight_decay=0.1)": {
    options: { name: "rmsprop", momentum: 0, weightDecay: 0.1 },
    lr: 0.01,
    after: [
      [0.4000000286, -0.9000000077, 1.90000004],
      [0.3626998455, -0.9233063003, 1.9854955783],
      [0.4123713536, -0.9753994964, 1.921389684],
    ],
  },
};

beforeAll(async () => {
  await initBackend("wasm");
});

describe("optimizers match torch.optim step by step", () => {
  it.each(Object.entries(TORCH))("%s", (_, ref) => {
    const p = tf.variable(tf.tensor1d([0.5, -1, 2]));
    const opt = createOptimizer(ref.options);
    GRADS.forEach((g, step) => {
      tf.tidy(() => opt.step([p], [tf.tensor1d(g)], ref.lr));
      const got = Array.from(p.dataSync());
      got.forEach((v, i) => expect(v).toBeCloseTo(ref.after[step]?.[i] as number, 5));
    });
    opt.dispose();
    p.dispose();
  });
});

describe("clipByGlobalNorm", () => {
  it("scales by max_norm / (norm + 1e-6) like clip_grad_norm_, and reports the norm before clipping", () => {
    // torch.nn.utils.clip_grad_norm_ on grads [3, 4] and [12] with max_norm 6.5: norm 13, grads halved.
    const { grads, norm } = clipByGlobalNorm([tf.tensor1d([3, 4]), tf.tensor1d([12])], 6.5);
    expect(norm.dataSync()[0]).toBeCloseTo(13, 5);
    expect(Array.from(grads[0]?.dataSync() ?? [])).toEqual([expect.closeTo(1.5, 5), expect.closeTo(2, 5)]);
    expect(grads[1]?.dataSync()[0]).toBeCloseTo(6, 5);
  });
});

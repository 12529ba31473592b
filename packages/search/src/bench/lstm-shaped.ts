import { searchSpaceSchema, type ParamAssignment } from "@hyperq/protocol";
import type { BenchObjective } from "./functions.ts";

/**
 * A synthetic objective on a mixed space the size of a real LSTM sweep (8 parameters): a
 * categorical variant, optimizer and batch size, a conditional integer (`num_layers`, searched only
 * for the variants that stack layers), log-scaled reals and integers, and a plain real. Smooth
 * within each categorical cell, with values near 1–2 like a validation MAE, and interactions a
 * real sweep has: the best learning rate depends on the optimizer and grows with the batch size.
 *
 *   f = 1 + v(variant) + o(optimizer)
 *         + 0.15 (log10 lr − log10 lr*)²        lr* = base(optimizer) · √(batch / 32)
 *         + 0.08 (log2 (hidden / 64))²
 *         + 0.8 (dropout − 0.15)²
 *         + 0.06 (ln (seq_len / 24))²
 *         + 0.05 (num_layers − 2)²              when num_layers is active
 *
 * v: bidirectional 0, stacked 0.05, multi 0.1, attention 0.15, single 0.25;
 * o: adam 0 (base 3e-3), rmsprop 0.03 (base 1e-3), sgd 0.1 (base 3e-2).
 * The global minimum is 1 (bidirectional, adam, 2 layers, hidden 64, dropout 0.15, seq_len 24, lr
 * at its optimum for the batch size). `scripts/optuna_noisy_ref.py` computes the same function.
 */
export const lstmShaped: BenchObjective = {
  name: "lstm-shaped",
  space: searchSpaceSchema.parse({
    variant: ["single", "multi", "bidirectional", "stacked", "attention"],
    optimizer: ["adam", "rmsprop", "sgd"],
    batch_size: [16, 32, 64, 128],
    num_layers: { type: "int", low: 1, high: 3, when: { variant: ["multi", "bidirectional", "stacked"] } },
    hidden_size: { type: "int", low: 16, high: 128, log: true },
    learning_rate: { type: "float", low: 1e-4, high: 1e-1, log: true },
    dropout: { type: "float", low: 0, high: 0.5 },
    seq_len: { type: "int", low: 6, high: 48, log: true },
  }),
  minimum: 1,
  evaluate(p: ParamAssignment): number {
    const variant = p.variant as string;
    const optimizer = p.optimizer as string;
    const batch = p.batch_size as number;
    const v = VARIANT_OFFSET[variant] ?? NaN;
    const o = OPTIMIZER[optimizer] ?? { offset: NaN, lr: NaN };
    const lrStar = o.lr * Math.sqrt(batch / 32);
    let f = 1 + v + o.offset;
    f += 0.15 * (Math.log10(p.learning_rate as number) - Math.log10(lrStar)) ** 2;
    f += 0.08 * Math.log2((p.hidden_size as number) / 64) ** 2;
    f += 0.8 * ((p.dropout as number) - 0.15) ** 2;
    f += 0.06 * Math.log((p.seq_len as number) / 24) ** 2;
    if (p.num_layers !== undefined) f += 0.05 * ((p.num_layers as number) - 2) ** 2;
    return f;
  },
};

const VARIANT_OFFSET: Record<string, number> = { bidirectional: 0, stacked: 0.05, multi: 0.1, attention: 0.15, single: 0.25 };
const OPTIMIZER: Record<string, { offset: number; lr: number }> = {
  adam: { offset: 0, lr: 3e-3 },
  rmsprop: { offset: 0.03, lr: 1e-3 },
  sgd: { offset: 0.1, lr: 3e-2 },
};

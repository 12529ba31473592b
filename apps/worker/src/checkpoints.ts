import type { Logger, TrialPayload } from "@hyperq/protocol";
import { decodeTrainState, encodeTrainState, type TrainOptions, type TrainState } from "@hyperq/models";
import type { SweepStore } from "@hyperq/store";

/** One attempt's side of training checkpoints: what to resume from, how to save, when to clean up. */
export interface TrialCheckpoints {
  /** The last checkpoint of an earlier attempt of this trial, if any is usable. */
  resume?: TrainState;
  /** For `trainModel`; undefined when the sweep checkpoints never (`checkpointEvery: 0`). */
  option?: TrainOptions["checkpoint"];
  /** Writes the resumed epochs' reports into this attempt's (fresh) epoch history. */
  replay(): Promise<void>;
  /** Deletes the trial's checkpoint: call when the trial ends. */
  clear(): Promise<void>;
}

/**
 * Prepares checkpointing for one attempt: reads the sweep's `checkpointEvery`, and a checkpoint an
 * earlier (killed) attempt left, checked against this trial's training windows. An unusable
 * checkpoint is logged and ignored: the trial then starts over, as without one.
 */
export async function trialCheckpoints(store: SweepStore, payload: TrialPayload, token: string, trainWindows: number, log: Logger): Promise<TrialCheckpoints> {
  const { sweepId, trialNumber: n } = payload;
  const where = { sweepId, trial: n };
  const sweep = await store.getSweep(sweepId);
  const every = (sweep?.spec as { checkpointEvery?: number | "auto" } | undefined)?.checkpointEvery ?? "auto";
  let resume: TrainState | undefined;
  const blob = await store.getCheckpoint(sweepId, n);
  if (blob) {
    try {
      const state = decodeTrainState(blob);
      if (state.order.length !== trainWindows) throw new Error(`it has ${state.order.length} training windows, this trial ${trainWindows}`);
      if (state.epoch >= payload.epochs) throw new Error(`it is at epoch ${state.epoch} of ${payload.epochs}`);
      resume = state;
      log.info({ ...where, epoch: state.epoch, bytes: blob.byteLength }, "resuming from checkpoint");
    } catch (e) {
      log.warn({ ...where, err: (e as Error).message }, "checkpoint unusable; starting over");
    }
  }
  const out: TrialCheckpoints = {
    replay: async () => {
      for (const r of resume?.reports ?? []) await store.reportEpoch(sweepId, n, token, r);
    },
    clear: () => store.deleteCheckpoint(sweepId, n),
  };
  if (resume) out.resume = resume;
  if (every !== 0) {
    out.option = {
      every,
      save: async (state) => {
        const started = performance.now();
        const bytes = encodeTrainState(state);
        const ok = await store.putCheckpoint(sweepId, n, token, bytes);
        log.debug({ ...where, epoch: state.epoch, bytes: bytes.byteLength, ms: Math.round(performance.now() - started), stored: ok }, "checkpoint");
      },
    };
  }
  return out;
}

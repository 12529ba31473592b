/**
 * @hyperq/models — the seed's six LSTM variants in TensorFlow.js, the training loop and the engine
 * (backend choice, the fused LSTM op with hand-written backpropagation through time).
 *
 * ```ts
 * import { initBackend, trainModel } from "@hyperq/models";
 * const backend = await initBackend();            // tensorflow-gpu > tensorflow > wasm > cpu, or HYPERQ_BACKEND
 * const outcome = await trainModel({
 *   hyperparams, epochs: 50, patience: 5, seed: payload.seed, data,   // data: windows from @hyperq/timeseries
 *   onEpoch: async (report) => ((await shouldPrune(report)) ? "stop" : "continue"),
 * });
 * if (outcome.status === "diverged") fail(outcome.reason);
 * ```
 */
export { trainModel, evaluate } from "./train.ts";
export type { WindowSet, TrainingData, TrainOptions, TrainOutcome, EpochDecision } from "./train.ts";
export { buildModel, expectedParamCount, lstmParamCount } from "./models.ts";
export type { ModelConfig, SequenceModel, WeightSnapshot, ApplyOptions } from "./models.ts";
export { initBackend, activeBackend, engineMemory, BackendUnavailableError, BACKEND_NAMES } from "./engine/backend.ts";
export type { BackendInfo, BackendName, EngineMemory } from "./engine/backend.ts";
export { listNvidiaGpus, parseNvidiaSmi, visibleGpus, requireGpus, NoGpuError } from "./engine/gpu-devices.ts";
export type { GpuDevice } from "./engine/gpu-devices.ts";
export { INIT_SCHEMES } from "./init.ts";
export type { InitScheme } from "./init.ts";
export { learningRateAt, createOptimizer, clipByGlobalNorm } from "./optim.ts";
export type { Optimizer, OptimizerOptions, OptimizerState } from "./optim.ts";
export { encodeTrainState, decodeTrainState, TRAIN_STATE_VERSION } from "./train-state.ts";
export type { TrainState } from "./train-state.ts";
export { lstmSequence } from "./engine/lstm-op.ts";
export { nativeLstm } from "./engine/native-lstm.ts";
export type { NativeLstm } from "./engine/native-lstm.ts";
export type { LstmResult } from "./engine/lstm-op.ts";

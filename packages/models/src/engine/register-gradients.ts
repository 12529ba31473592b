/**
 * Side effect: registers tfjs-core's gradient functions. tfjs-core's Node bundle registers none
 * (the `@tensorflow/tfjs` union package normally does); tfjs-layers' Node bundle registers all of
 * core's into the process-global gradient registry when loaded. Nothing else from tfjs-layers is used.
 */
import "@tensorflow/tfjs-layers";

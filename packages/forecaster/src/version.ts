import { version_core } from "@tensorflow/tfjs-core";

/** HyperQ's version, written into every model manifest (the workspace's `package.json` version). */
export const HYPERQ_VERSION = "0.1.0";

/** The tfjs-core version models are trained and read with. */
export const TFJS_VERSION: string = version_core;

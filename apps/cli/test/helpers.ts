/**
 * The end-to-end tests' harness: an isolated HyperQ deployment (its own key prefix and processes)
 * on the shared Redis. It is the fault kit's deployment, plus what the plain scenarios read.
 */
import { FaultDeployment, waitFor } from "./fault-kit.ts";

export { waitFor };

export class Deployment extends FaultDeployment {
  /** HyperQ's own keys (sweeps, trials, events, blobs), leaving out BullMQ's and the worker registry. */
  async dataKeys(): Promise<string[]> {
    const keys = await this.redis.keys(`${this.prefix}:*`);
    return keys.filter((k) => !k.startsWith(`${this.prefix}:bull:`) && k !== `${this.prefix}:workers`).sort();
  }
}

/**
 * The end-to-end tests' harness: an isolated HyperQ deployment (its own key prefix and processes)
 * on the shared Redis. It is the fault kit's deployment, plus what the plain scenarios read.
 */
import { FaultDeployment, waitFor } from "./fault-kit.ts";

export { waitFor };

export class Deployment extends FaultDeployment {
  /** A coordinator and `workers` worker processes, as on separate machines. */
  startCluster(workers = 2): void {
    this.start("coordinator", ["coordinator"]);
    for (let i = 1; i <= workers; i++) this.start(`worker-${i}`, ["worker"]);
  }

  /** HyperQ's own keys (sweeps, trials, events, blobs), leaving out BullMQ's and the worker registry. */
  async dataKeys(): Promise<string[]> {
    const keys = await this.redis.keys(`${this.prefix}:*`);
    return keys.filter((k) => !k.startsWith(this.keys.bull) && k !== this.keys.workers).sort();
  }
}

import { Queue } from "bullmq";
import { TRIALS_QUEUE, bullPrefix } from "@hyperq/protocol";
import { connectRedis } from "@hyperq/store";
import type { QueueMetricsSource } from "./metrics.ts";

/**
 * BullMQ's `trials` queue of a deployment, opened only to read its metrics for `/metrics`.
 *
 * ```ts
 * const queue = openQueueMetrics("redis://127.0.0.1:6379", "hq");
 * await startDashboard({ store, port: 8080, metrics: { queue, queueLabels: { prefix: "hq" } } });
 * // on shutdown: await queue.close();
 * ```
 */
export function openQueueMetrics(redisUrl: string, keyPrefix: string): QueueMetricsSource & { close(): Promise<void> } {
  const redis = connectRedis(redisUrl);
  redis.on("error", () => undefined);
  const queue = new Queue(TRIALS_QUEUE, { connection: redis, prefix: bullPrefix(keyPrefix) });
  // Connection errors surface as a failed scrape (503), not as an unhandled 'error' event.
  queue.on("error", () => undefined);
  return {
    exportPrometheusMetrics: (labels) => queue.exportPrometheusMetrics(labels),
    async close() {
      await queue.close();
      redis.disconnect();
    },
  };
}

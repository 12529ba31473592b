import { openRedisStore } from "./redis-test-store.ts";
import { sweepViewContract } from "./sweep-view-contract.ts";

sweepViewContract("redis", () => openRedisStore());

import { sweepStoreContract } from "./contract.ts";
import { MemorySweepStore } from "./memory-store.ts";

sweepStoreContract("memory", async () => ({ store: new MemorySweepStore(), cleanup: async () => {} }));

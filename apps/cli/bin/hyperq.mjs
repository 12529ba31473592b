#!/usr/bin/env node
/**
 * The `hyperq` command. HyperQ has no build step: its TypeScript sources run through tsx's loader,
 * resolved here from this package (tsx is one of its runtime dependencies, so a production
 * install, an image or `npm install -g` has it). The loader also goes on `process.execArgv`, which
 * BullMQ passes to the trial processes it forks, so they load the same way.
 */
const loader = import.meta.resolve("tsx");
if (!process.execArgv.includes(loader)) process.execArgv.push("--import", loader);
await import(loader);
await import("../src/main.ts");

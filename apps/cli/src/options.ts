/** What every command file of the CLI shares: integer flags and a store opened for one command. */
import { InvalidArgumentError } from "commander";
import type { RedisSweepStore } from "@hyperq/store";
import type { Config } from "./config.ts";
import { openStore } from "./runtime.ts";

/**
 * A commander parser for an integer flag in `min..max`; a bad value is refused with the flag, the
 * rule and the value (`--limit must be an integer >= 1, but got "x"`).
 */
export function intOption(name: string, min: number, max = Infinity): (v: string) => number {
  return (v: string) => {
    const n = Number(v);
    const rule = max === Infinity ? `>= ${min}` : `in ${min}..${max}`;
    if (!Number.isInteger(n) || n < min || n > max) throw new InvalidArgumentError(`${name} must be an integer ${rule}, but got ${JSON.stringify(v)}`);
    return n;
  };
}

/** Runs `fn` with a store connected for it, closing the connection whatever happens. */
export async function withStore<T>(config: Config, fn: (store: RedisSweepStore) => Promise<T>): Promise<T> {
  const s = await openStore(config);
  try {
    return await fn(s.store);
  } finally {
    await s.close();
  }
}

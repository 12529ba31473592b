import type { z } from "zod";
import { describeZodError } from "./schemas.ts";

/** An error with the HTTP status and the message the client sees. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "HttpError";
  }
}

/** The value `schema` makes of `value`, or a 400 naming `what`, the field and the rule. */
export function parseOr400<S extends z.ZodType>(schema: S, value: unknown, what: string): z.output<S> {
  const r = schema.safeParse(value);
  if (!r.success) throw new HttpError(400, `bad ${what}: ${describeZodError(r.error)}`);
  return r.data;
}

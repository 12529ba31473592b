/** Errors of @hyperq/search. Each is a small class; messages state the rule and the values. */

/** The search space cannot be used as asked (e.g. a grid over a continuous range). */
export class SearchSpaceError extends Error {
  override readonly name = "SearchSpaceError";
  /** The parameter at fault, when one is. */
  readonly param: string | undefined;
  constructor(message: string, param?: string, options?: { cause?: unknown }) {
    super(message, options);
    this.param = param;
  }
}

/** A numerical routine failed (e.g. a matrix stayed indefinite after all jitter). */
export class NumericalError extends Error {
  override readonly name = "NumericalError";
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

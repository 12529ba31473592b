import type { TargetTransform } from "@hyperq/protocol";

/**
 * The model's target for step `h` of a window whose last observed target value is `last`:
 * raw → next; diff → next - last; pct-change → next / last - 1; log-return → ln(next / last).
 */
export function forwardTarget(transform: TargetTransform, next: number, last: number): number {
  switch (transform) {
    case "raw":
      return next;
    case "diff":
      return next - last;
    case "pct-change":
      return next / last - 1;
    case "log-return":
      return Math.log(next / last);
  }
}

/** Inverse of {@link forwardTarget}: the target column's value in original units. */
export function inverseTarget(transform: TargetTransform, modelTarget: number, last: number): number {
  switch (transform) {
    case "raw":
      return modelTarget;
    case "diff":
      return last + modelTarget;
    case "pct-change":
      return last * (1 + modelTarget);
    case "log-return":
      return last * Math.exp(modelTarget);
  }
}

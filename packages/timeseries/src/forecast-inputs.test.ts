import { describe, expect, it } from "vitest";
import { datasetSpecSchema } from "@hyperq/protocol";
import { parseDelimited } from "./csv.ts";
import { prepareForecastInputs, type InputRecipe } from "./forecast-inputs.ts";
import { prepareDataset } from "./prepare.ts";

function csv(rows: number): string {
  const lines = ["date,x,y,extra"];
  for (let i = 0; i < rows; i++) lines.push(`2021-01-${String(i + 1).padStart(2, "0")},${(10 + i * 0.7 + Math.sin(i)).toFixed(3)},${(5 + Math.cos(i / 2)).toFixed(3)},z`);
  return `${lines.join("\n")}\n`;
}

describe("prepareForecastInputs", () => {
  const text = csv(30);
  const spec = datasetSpecSchema.parse({ path: "f.csv", features: ["x", "y"], target: "y", featureTransform: "pct-change", targetTransform: "diff" });
  const prepared = prepareDataset(spec, text, "f.csv");
  const recipe: InputRecipe = { dateColumn: "date", features: ["x", "y"], target: "y", featureTransform: "pct-change", missing: "reject", featureScaler: prepared.meta.featureScaler };

  it("gives the training file's scaled inputs bit for bit, with the train-fitted scaler (not refitted)", () => {
    const got = prepareForecastInputs(recipe, parseDelimited(text, "f.csv"), "f.csv");
    expect(Array.from(got.scaled)).toEqual(Array.from(prepared.scaled));
    expect(Array.from(got.target)).toEqual(Array.from(prepared.target));
    // The last 10 rows alone: same scaler, so the rows after the first (which has no past) match.
    const tail = [text.split("\n")[0], ...text.trim().split("\n").slice(21)].join("\n");
    const part = prepareForecastInputs(recipe, parseDelimited(tail, "tail.csv"), "tail.csv");
    expect(Array.from(part.scaled.subarray(2))).toEqual(Array.from(prepared.scaled.subarray(20 * 2 + 2)));
  });

  it("names the column the file lacks and the file's columns", () => {
    const noX = text.replace(/^date,x,/m, "date,w,");
    expect(() => prepareForecastInputs(recipe, parseDelimited(noX, "new.csv"), "new.csv")).toThrow(
      'new.csv, column "x": the model needs this column (a feature it was trained on), but the file has no such column; its columns are "date", "w", "y", "extra"',
    );
  });
});

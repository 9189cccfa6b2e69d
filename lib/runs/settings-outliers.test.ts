import { describe, expect, it } from "vitest";
import { settingsOutliers, type RunSettings } from "./settings-outliers";

const run = (runId: string, curve: string, settings: RunSettings["settings"]): RunSettings => ({
  runId,
  curve,
  settings,
});

describe("settingsOutliers", () => {
  it("marks the runs of a curve whose settings differ from the curve's most common ones, saying what differs", () => {
    const marks = settingsOutliers([
      run("a", "v/ps", { sampler: "ddim", steps: 50 }),
      run("b", "v/ps", { sampler: "ddim", steps: 50 }),
      run("c", "v/ps", { sampler: "ddim", steps: 20 }),
      run("d", "v/ps", { sampler: "euler", steps: 50 }),
      // Another curve is compared only with itself.
      run("e", "w/ps", { sampler: "euler", steps: 20 }),
      run("f", "w/ps", { sampler: "euler", steps: 20 }),
    ]);
    expect(Object.fromEntries(marks)).toEqual({
      c: [{ setting: "steps", value: 20, usual: 50 }],
      d: [{ setting: "sampler", value: "euler", usual: "ddim" }],
    });
  });

  it("leaves single-run curves and uniform curves unmarked, and breaks ties by the earliest run", () => {
    expect(settingsOutliers([run("a", "v", { steps: 1 })]).size).toBe(0);
    expect(settingsOutliers([run("a", "v", { steps: 1 }), run("b", "v", { steps: 1 })]).size).toBe(0);
    expect(Object.fromEntries(settingsOutliers([run("a", "v", { steps: 1 }), run("b", "v", { steps: 2 })]))).toEqual({
      b: [{ setting: "steps", value: 2, usual: 1 }],
    });
    // A missing value counts as null and differs from a present one.
    expect(
      Object.fromEntries(
        settingsOutliers([run("a", "v", { size: "512×512" }), run("b", "v", { size: "512×512" }), run("c", "v", {})]),
      ),
    ).toEqual({
      c: [{ setting: "size", value: null, usual: "512×512" }],
    });
  });
});

import { describe, expect, it } from "vitest";
import { matchedRun } from "./matched-run";

const curve = [
  { runId: "w8", guidanceScale: 8, diversity: 0.2 },
  { runId: "w1", guidanceScale: 1, diversity: 0.6 },
  { runId: "w3", guidanceScale: 3, diversity: 0.45 },
  { runId: "w5", guidanceScale: 5, diversity: 0.3 },
  { runId: "wx", guidanceScale: 12, diversity: null },
];

describe("matchedRun", () => {
  it("picks the run whose diversity is nearest the level", () => {
    expect(matchedRun(curve, 0.33)?.run.runId).toBe("w5");
    expect(matchedRun(curve, 0.5)?.run.runId).toBe("w3");
    expect(matchedRun(curve, 0.9)?.run.runId).toBe("w1");
  });

  it("steps along guidance scales from there and clamps at the ends", () => {
    expect(matchedRun(curve, 0.33, 1)).toMatchObject({ run: { runId: "w8" }, clamped: false });
    expect(matchedRun(curve, 0.33, -2)).toMatchObject({ run: { runId: "w1" }, clamped: false });
    expect(matchedRun(curve, 0.33, 5)).toMatchObject({ run: { runId: "w8" }, clamped: true });
  });

  it("takes the middle guidance without a level, and nothing without diversities", () => {
    expect(matchedRun(curve, null)?.run.runId).toBe("w3");
    expect(matchedRun([{ runId: "a", guidanceScale: 1, diversity: null }], 0.3)).toBeUndefined();
  });
});

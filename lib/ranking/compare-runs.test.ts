import { describe, expect, it } from "vitest";
import { compareRuns } from "./compare-runs";
import { uniform } from "../../tools/test-support/metrics";
import { simulatedPrompts, simulatedVariant, syntheticRun } from "../../tools/test-support/ranking";

describe("compareRuns", () => {
  it("a run against itself: differences 0, p = 1", () => {
    const a = syntheticRun("a", 3, 0.4, 60, { noise: 4 });
    const c = compareRuns(a, a, { B: 200 });
    expect(c.clipScore).toMatchObject({ estimate: 0, pValue: 1 });
    expect(c.diversity).toMatchObject({ estimate: 0, pValue: 1 });
    expect(c.prompts).toBe(40);
  });

  it("pairs over the shared prompts: a 1-point gap under large shared prompt effects is found", () => {
    // Prompt difficulty (SD 3 points) is shared by both runs: paired over the prompts, it cancels.
    const u = uniform(4);
    const p = simulatedPrompts(50, u);
    const [x, y] = [simulatedVariant("X", [4], p, u, { shift: 1.5 }), simulatedVariant("Y", [4], p, u)];
    const c = compareRuns(x.runs[0]!, y.runs[0]!, { B: 400 });
    expect(c.clipScore!.estimate).toBeGreaterThan(0);
    expect(c.clipScore!.pValue).toBeLessThan(0.05);
    expect(c.clipScore!.ci!.low).toBeGreaterThan(0);
    expect(c.significance.calibrated).toBe(true);
  });

  it("rejects runs on different prompts", () => {
    expect(() => compareRuns(syntheticRun("a", 1, 0.4, 60), syntheticRun("b", 1, 0.4, 60, { prompts: 20 }))).toThrow(
      /prompt ids do not match/,
    );
  });
});

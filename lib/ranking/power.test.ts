import { describe, expect, it } from "vitest";
import { designMde, designVariance, MAX_DESIGN_PROMPTS, promptsNeeded } from "./power";
import { rankVariants } from "./rank-variants";
import { MIN_CALIBRATED_PROMPTS } from "./settings";
import { studentTQuantile } from "./student-t";
import { uniform } from "../../tools/test-support/metrics";
import { simulatedPrompts, simulatedVariant } from "../../tools/test-support/ranking";
import { SIM_LEVEL, sweep } from "../../tools/test-support/ranking-calibration";

describe("the power calculator", () => {
  const c = { prompt: 50, sample: 400, model: 0 };

  it("matches the worked example in power.ts", () => {
    const a = designMde(c, { prompts: 16, samplesPerPrompt: 8, replicates: 1 }, 0.05);
    expect(designVariance(c, { prompts: 16, samplesPerPrompt: 8, replicates: 1 }).variance).toBeCloseTo(6.25, 12);
    expect(a.se).toBeCloseTo(2.5, 12);
    expect(a.df).toBe(15);
    expect(a.mde).toBeCloseTo((2.131449546 + studentTQuantile(0.8, 15)) * 2.5, 8);
    expect(a.mde).toBeCloseTo(7.49, 2);
  });

  it("finds the fewest prompts for a target, and none when replicates, not prompts, are short", () => {
    const need = promptsNeeded(c, 3, { samplesPerPrompt: 8, replicates: 1 }, 0.05)!;
    expect(need.mde).toBeLessThanOrEqual(3);
    expect(designMde(c, { prompts: need.prompts - 1, samplesPerPrompt: 8, replicates: 1 }, 0.05).mde).toBeGreaterThan(
      3,
    );
    // More samples per prompt or replicates need fewer prompts.
    expect(promptsNeeded(c, 3, { samplesPerPrompt: 32, replicates: 1 }, 0.05)!.prompts).toBeLessThan(need.prompts);
    expect(promptsNeeded(c, 3, { samplesPerPrompt: 8, replicates: 3 }, 0.05)!.prompts).toBeLessThan(need.prompts);
    // An easy target needs no more than the calibrated minimum.
    expect(promptsNeeded(c, 100, { samplesPerPrompt: 8, replicates: 1 }, 0.05)!.prompts).toBe(MIN_CALIBRATED_PROMPTS);
    // With between-replicate variance 8, one replicate can never detect 3 points however many prompts.
    const withModel = { ...c, model: 8 };
    expect(promptsNeeded(withModel, 3, { samplesPerPrompt: 8, replicates: 1 }, 0.05)).toBeNull();
    expect(promptsNeeded(withModel, 3, { samplesPerPrompt: 8, replicates: 10 }, 0.05)!.prompts).toBeLessThan(
      MAX_DESIGN_PROMPTS,
    );
    expect(promptsNeeded(c, 0, { samplesPerPrompt: 8, replicates: 1 }, 0.05)).toBeNull();
  });

  it("at a board's own design, gives about the MDE the board states", () => {
    const u = uniform(3);
    const p = simulatedPrompts(16, u);
    const r = rankVariants([simulatedVariant("X", sweep(5), p, u), simulatedVariant("Y", sweep(5), p, u)], {
      diversity: SIM_LEVEL,
      B: 400,
    });
    // Runs of the simulation store no cosSqSum: the sample part is unknown and folded into the prompt part.
    expect(r.power.components).toMatchObject({ sample: null, model: null });
    const own = designMde(r.power.components!, { prompts: 16, samplesPerPrompt: 4, replicates: 1 }, 0.05);
    expect(own.mde / r.power.mde!).toBeGreaterThan(0.9);
    expect(own.mde / r.power.mde!).toBeLessThan(1.1);
  });
});

import { describe, expect, it } from "vitest";
import { CLIP_S_LABEL, clipS, clipSSample } from "./clip-s";
import { CLIP_SCORE_LABEL, clipScore, clipScoreSample } from "./clip-score";
import { batchCosine } from "./cosine";
import { uniform, unitVectors } from "../../tools/test-support/metrics";

describe("CLIPScore (torchmetrics) and CLIP-S (Hessel)", () => {
  it("hand-worked values", () => {
    // cosines 0.3, 0.5: CLIPScore = (30 + 50)/2 = 40; CLIP-S = 2.5·(0.3 + 0.5)/2 = 1.0
    expect(clipScore([0.3, 0.5])).toBeCloseTo(40, 12);
    expect(clipS([0.3, 0.5])).toBeCloseTo(1.0, 12);
    expect(clipScoreSample(0.25)).toBe(25);
    expect(clipSSample(0.25)).toBe(0.625);
    expect(clipScoreSample(-0.2)).toBeCloseTo(-20, 12); // per sample: no clamp in torchmetrics
    expect(clipSSample(-0.2)).toBe(0); // per sample clamp in CLIP-S
  });

  it("differ with negative cosines: clamp after the mean vs clamp per sample", () => {
    // cosines 0.3, -0.1
    // torchmetrics: mean(30, -10) = 10 → max(10, 0) = 10
    // CLIP-S:       mean(2.5·0.3, 2.5·0) = 0.375 (unclamped it would be 2.5·0.1 = 0.25)
    expect(clipScore([0.3, -0.1])).toBeCloseTo(10, 12);
    expect(clipS([0.3, -0.1])).toBeCloseTo(0.375, 12);
    expect(clipS([0.3, -0.1])).not.toBeCloseTo((2.5 * clipScore([0.3, -0.1])) / 100, 6);
    // cosines -0.2, 0.1: torchmetrics mean = -5 → clamped to 0; CLIP-S = 2.5·0.1/2 = 0.125
    expect(clipScore([-0.2, 0.1])).toBe(0);
    expect(clipS([-0.2, 0.1])).toBeCloseTo(0.125, 12);
  });

  it("match a plain loop on random embeddings", () => {
    const u = uniform(7);
    const images = unitVectors(40, 128, 11, 3);
    const texts = unitVectors(40, 128, 12, 3);
    const cos = batchCosine(images, texts);
    let tm = 0;
    let hs = 0;
    for (let i = 0; i < cos.length; i++) {
      tm += 100 * cos[i]!;
      hs += cos[i]! > 0 ? 2.5 * cos[i]! : 0;
    }
    expect(clipScore(cos)).toBeCloseTo(Math.max(tm / cos.length, 0), 10);
    expect(clipS(cos)).toBeCloseTo(hs / cos.length, 10);
    const shifted = Array.from(cos, (c) => Math.max(-1, Math.min(1, c + (u() - 0.5) * 0.2)));
    expect(clipS(shifted, { w: 1 })).toBeCloseTo(clipS(shifted) / 2.5, 12);
  });

  it("labels say which convention a number uses", () => {
    expect(CLIP_SCORE_LABEL).toBe("CLIPScore (torchmetrics convention, 0–100, clamp after mean)");
    expect(CLIP_S_LABEL).toContain("Hessel et al. 2021");
    expect(CLIP_S_LABEL).toContain("clamp per sample");
  });

  it("rejects a non-positive weight", () => {
    expect(() => clipS([0.5], { w: 0 })).toThrow("w must be a finite number > 0, got 0");
  });
});

import { describe, expect, it } from "vitest";
import { DEMO_GUIDANCE_SCALES, DEMO_PALETTE, DEMO_PROMPTS, DEMO_SAMPLES_PER_PROMPT, DEMO_VARIANTS, demoSpread, type DemoVariant } from "./demo-catalog";
import { drawScenePixels, drawScenePng } from "./draw-scene";
import { demoImageSeed } from "./seed-demo";

const SIZE = 32;

function meanAbsDiff(a: Buffer, b: Buffer): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - b[i]!);
  return sum / a.length;
}

/** Mean pixel-space distance between two samples of one prompt, over all pairs and prompts. */
function pixelDiversity(v: DemoVariant, guidanceScale: number): number {
  let sum = 0;
  let pairs = 0;
  for (const p of DEMO_PROMPTS) {
    const imgs = Array.from({ length: DEMO_SAMPLES_PER_PROMPT }, (_, k) =>
      drawScenePixels({ scene: p.scene, seed: demoImageSeed(v.name, p.id, k), spread: demoSpread(v, guidanceScale), size: SIZE, palette: DEMO_PALETTE }),
    );
    for (let i = 0; i < imgs.length; i++) {
      for (let j = i + 1; j < imgs.length; j++) {
        sum += meanAbsDiff(imgs[i]!, imgs[j]!);
        pairs++;
      }
    }
  }
  return sum / pairs;
}

describe("drawScenePng", () => {
  const scene = DEMO_PROMPTS[0]!.scene;

  it("gives byte-identical files for the same seed and spread, different ones for another seed", async () => {
    const a = await drawScenePng({ scene, seed: 7, spread: 0.6, palette: DEMO_PALETTE });
    const b = await drawScenePng({ scene, seed: 7, spread: 0.6, palette: DEMO_PALETTE });
    const c = await drawScenePng({ scene, seed: 8, spread: 0.6, palette: DEMO_PALETTE });
    expect(a.equals(b)).toBe(true);
    expect(a.equals(c)).toBe(false);
    expect(a.subarray(1, 4).toString()).toBe("PNG");
  });

  it("draws the canonical scene at spread 0: samples differ only by faint noise", () => {
    const x = drawScenePixels({ scene, seed: 1, spread: 0, size: SIZE });
    const y = drawScenePixels({ scene, seed: 2, spread: 0, size: SIZE });
    const far = drawScenePixels({ scene, seed: 2, spread: 1, size: SIZE, palette: DEMO_PALETTE });
    expect(meanAbsDiff(x, y)).toBeLessThan(4);
    expect(meanAbsDiff(x, far)).toBeGreaterThan(15);
  });
});

describe("demo spread", () => {
  it("starts at the variant's base spread and falls with guidance, staying in [0, 1]", () => {
    for (const v of DEMO_VARIANTS) {
      expect(demoSpread(v, 1)).toBeCloseTo(Math.min(1, v.baseSpread), 12);
      const s = DEMO_GUIDANCE_SCALES.map((g) => demoSpread(v, g));
      for (let k = 1; k < s.length; k++) expect(s[k]).toBeLessThan(s[k - 1]!);
      expect(Math.min(...s)).toBeGreaterThanOrEqual(0);
    }
  });

  it("makes the drawn samples' pixel-space diversity fall with guidance, at a different rate per variant", () => {
    const curves = DEMO_VARIANTS.map((v) => ({ v, d: DEMO_GUIDANCE_SCALES.map((g) => pixelDiversity(v, g)) }));
    for (const { d } of curves) {
      for (let k = 1; k < d.length; k++) expect(d[k]).toBeLessThan(d[k - 1]!);
    }
    // Kept diversity at the highest guidance: the faster a variant's spread decays, the less it keeps.
    const kept = (c: (typeof curves)[number]) => c.d[c.d.length - 1]! / c.d[0]!;
    const byDecay = [...curves].sort((a, b) => a.v.decay - b.v.decay).map(kept);
    for (let k = 1; k < byDecay.length; k++) expect(byDecay[k]).toBeLessThan(byDecay[k - 1]!);
    expect(byDecay[0]! / byDecay[byDecay.length - 1]!).toBeGreaterThan(2);
  });
});

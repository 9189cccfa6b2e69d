import { describe, expect, it } from "vitest";
import { MAX_SEED, seededGaussian } from "./seeded-gaussian";

describe("seededGaussian", () => {
  it("gives the same draws for the same seed and different ones for another", () => {
    expect(seededGaussian(42, 1000)).toEqual(seededGaussian(42, 1000));
    expect(seededGaussian(42, 1000)).not.toEqual(seededGaussian(43, 1000));
    expect(seededGaussian(0, 16)).not.toEqual(seededGaussian(MAX_SEED, 16));
  });

  it("is a prefix-stable stream: fewer draws are the start of more", () => {
    expect(seededGaussian(7, 33)).toEqual(seededGaussian(7, 64).subarray(0, 33));
  });

  // Changing these changes every image the onnx engine has made for a given seed.
  it("keeps its pinned values", () => {
    expect(Array.from(seededGaussian(0, 4))).toEqual([
      0.07130414247512817, -0.5097455978393555, 0.9128415584564209, -0.9417029023170471,
    ]);
  });

  it("looks standard normal: mean ≈ 0, variance ≈ 1, ~4.6% beyond ±2", () => {
    for (const seed of [0, 1, MAX_SEED]) {
      const x = seededGaussian(seed, 200_000);
      let sum = 0;
      let sq = 0;
      let tails = 0;
      for (const v of x) {
        sum += v;
        sq += v * v;
        if (Math.abs(v) > 2) tails++;
      }
      const mean = sum / x.length;
      expect(Math.abs(mean)).toBeLessThan(0.01);
      expect(Math.abs(sq / x.length - mean * mean - 1)).toBeLessThan(0.02);
      expect(tails / x.length).toBeGreaterThan(0.042);
      expect(tails / x.length).toBeLessThan(0.049);
    }
  });

  it("refuses seeds outside uint32 and bad counts", () => {
    expect(() => seededGaussian(-1, 4)).toThrow(RangeError);
    expect(() => seededGaussian(MAX_SEED + 1, 4)).toThrow(RangeError);
    expect(() => seededGaussian(1.5, 4)).toThrow(RangeError);
    expect(() => seededGaussian(1, -1)).toThrow(RangeError);
  });
});

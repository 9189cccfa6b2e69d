import { describe, expect, it } from "vitest";
import { MAX_DF, studentTCdf, studentTQuantile, studentTTwoSided } from "./student-t";

// Published values (R: qt(p, df)); ν = 3.5 checked by Simpson integration of the density.
const QUANTILES: [number, number, number][] = [
  [0.975, 1, 12.706204736],
  [0.975, 2, 4.30265273],
  [0.975, 7, 2.364624252],
  [0.975, 15, 2.131449546],
  [0.975, 49, 2.009575237],
  [0.8, 7, 0.896029644],
  [0.8, 49, 0.849018],
  [0.995, 3.5, 5.085702],
  [0.9, 1000, 1.282399],
];

describe("Student t", () => {
  it("matches published quantiles", () => {
    for (const [p, df, q] of QUANTILES) expect(studentTQuantile(p, df)).toBeCloseTo(q, 5);
    expect(studentTQuantile(0.5, 3)).toBe(0);
    expect(studentTQuantile(0.025, 7)).toBeCloseTo(-2.364624252, 6);
  });

  it("CDF and quantile invert each other, also at fractional ν", () => {
    for (const df of [0.7, 1, 2.5, 7, 30.3, 1e4, MAX_DF])
      for (const p of [0.6, 0.8, 0.9, 0.975, 0.999]) expect(studentTCdf(studentTQuantile(p, df), df)).toBeCloseTo(p, 9);
  });

  it("gives two-sided p-values", () => {
    expect(studentTTwoSided(2.364624252, 7)).toBeCloseTo(0.05, 8);
    expect(studentTTwoSided(-2.364624252, 7)).toBeCloseTo(0.05, 8);
    expect(studentTTwoSided(0, 7)).toBe(1);
    // ν large: the normal's 1.959964
    expect(studentTTwoSided(1.959964, MAX_DF)).toBeCloseTo(0.05, 6);
  });

  it("rejects bad arguments", () => {
    expect(() => studentTQuantile(1, 3)).toThrow(RangeError);
    expect(() => studentTCdf(1, 0)).toThrow(RangeError);
    expect(() => studentTCdf(1, Infinity)).toThrow(RangeError);
  });
});

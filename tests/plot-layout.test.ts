// The plots' layout helpers (app/_components): round ticks hugging the data, guidance labels
// that never overlap, and a stable, colour-blind-safe style per variant.
import { describe, expect, it } from "vitest";
import { labelBox, placeLabels } from "../app/_components/label-placement";
import { niceScale } from "../app/_components/nice-scale";
import { SERIES_COLORS, seriesStyle } from "../app/_components/series-style";

describe("niceScale", () => {
  it("starts where the data does, with round ticks", () => {
    const s = niceScale(0.4213, 0.5871);
    expect(s.domain[0]).toBeGreaterThan(0.3);
    expect(s.domain[0]).toBeLessThanOrEqual(0.4213);
    expect(s.domain[1]).toBeGreaterThanOrEqual(0.5871);
    expect(s).toEqual({ domain: [0.4, 0.6], ticks: [0.4, 0.45, 0.5, 0.55, 0.6], decimals: 2 });
    for (const t of s.ticks) expect(Math.abs(t * 100 - Math.round(t * 100))).toBeLessThan(1e-9);
    expect(s.ticks.length).toBeLessThanOrEqual(10);
    expect(niceScale(23.7, 31.2)).toEqual({ domain: [22, 32], ticks: [22, 24, 26, 28, 30, 32], decimals: 0 });
  });

  it("widens a zero-width range and refuses non-finite input", () => {
    expect(niceScale(5, 5).domain[0]).toBeLessThan(5);
    expect(niceScale(5, 5).domain[1]).toBeGreaterThan(5);
    expect(() => niceScale(NaN, 1)).toThrow(/non-finite/);
  });
});

describe("placeLabels", () => {
  const overlap = (a: ReturnType<typeof labelBox>, b: ReturnType<typeof labelBox>) =>
    a.x0 < b.x1 && b.x0 < a.x1 && a.y0 < b.y1 && b.y0 < a.y1;

  it("keeps a 60-run curve legible: some labels, none overlapping", () => {
    // 60 runs along a diversity–fidelity curve on a 600 × 300 px plot.
    const pts = Array.from({ length: 60 }, (_, i) => ({
      x: 20 + i * 9,
      y: 40 + 200 * (i / 59) ** 2,
      text: `w=${(i * 0.25).toFixed(2)}`,
    }));
    const shown = placeLabels(pts);
    const boxes = pts.filter((_, i) => shown[i]).map((p) => labelBox(p));
    expect(boxes.length).toBeGreaterThanOrEqual(5);
    expect(boxes.length).toBeLessThan(60);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) expect(overlap(boxes[i]!, boxes[j]!)).toBe(false);
  });

  it("labels the first candidates first and keeps well-separated labels", () => {
    expect(
      placeLabels([
        { x: 0, y: 0, text: "w=1" },
        { x: 2, y: 1, text: "w=2" },
      ]),
    ).toEqual([true, false]);
    expect(
      placeLabels([
        { x: 0, y: 0, text: "w=1" },
        { x: 200, y: 0, text: "w=2" },
      ]),
    ).toEqual([true, true]);
  });
});

describe("seriesStyle", () => {
  it("gives the first 42 variants distinct colour–shape pairs, consecutive ones differing in both", () => {
    const pairs = Array.from({ length: 42 }, (_, i) => seriesStyle(i));
    expect(new Set(pairs.map((p) => `${p.color}/${p.shape}`)).size).toBe(42);
    for (let i = 1; i < 42; i++) {
      expect(pairs[i]!.color).not.toBe(pairs[i - 1]!.color);
      expect(pairs[i]!.shape).not.toBe(pairs[i - 1]!.shape);
    }
  });

  it("uses the Okabe–Ito colours without its pale yellow", () => {
    expect(SERIES_COLORS).toContain("#0072B2");
    expect(SERIES_COLORS).not.toContain("#F0E442");
  });
});

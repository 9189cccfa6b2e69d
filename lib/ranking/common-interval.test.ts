import { describe, expect, it } from "vitest";
import { chooseCommonInterval } from "./common-interval";

const s = (lo: number, hi: number) => ({ lo, hi });

describe("chooseCommonInterval", () => {
  it("is the intersection when every front overlaps", () => {
    expect(chooseCommonInterval([s(0.2, 0.6), s(0.25, 0.5), s(0.1, 0.45)])).toEqual({ interval: s(0.25, 0.45), members: [0, 1, 2] });
  });

  it("leaves out a front that does not reach the others' diversity", () => {
    expect(chooseCommonInterval([s(0.2, 0.6), s(0.3, 0.5), s(0.7, 0.9)])).toEqual({ interval: s(0.3, 0.5), members: [0, 1] });
  });

  it("prefers more variants over a wider interval", () => {
    // {0, 1} would give 0.2–0.6; {0, 1, 2} only 0.55–0.6.
    expect(chooseCommonInterval([s(0.1, 0.6), s(0.2, 0.7), s(0.55, 0.9)])).toEqual({ interval: s(0.55, 0.6), members: [0, 1, 2] });
  });

  it("between equally large groups takes the wider interval, then the lower one", () => {
    expect(chooseCommonInterval([s(0.1, 0.3), s(0.2, 0.3), s(0.5, 0.9), s(0.6, 0.9)])).toEqual({ interval: s(0.6, 0.9), members: [2, 3] });
    expect(chooseCommonInterval([s(0.5, 0.75), s(0.5, 0.75), s(0, 0.25), s(0, 0.25)])).toEqual({ interval: s(0, 0.25), members: [2, 3] });
  });

  it("has no interval when no two fronts overlap", () => {
    expect(chooseCommonInterval([s(0.1, 0.2), s(0.3, 0.4), s(0.5, 0.6)])).toEqual({ interval: null, members: [] });
  });

  it("ignores variants without a front of 2 points, and ranks a lone front on its own span", () => {
    expect(chooseCommonInterval([null, s(0.3, 0.3), s(0.2, 0.4)])).toEqual({ interval: s(0.2, 0.4), members: [2] });
    expect(chooseCommonInterval([null, s(0.3, 0.3)])).toEqual({ interval: null, members: [] });
    expect(chooseCommonInterval([])).toEqual({ interval: null, members: [] });
  });

  it("gives lo = hi when fronts only touch", () => {
    expect(chooseCommonInterval([s(0.1, 0.3), s(0.3, 0.5)])).toEqual({ interval: s(0.3, 0.3), members: [0, 1] });
  });
});

import { describe, expect, it } from "vitest";
import { splitSamples } from "./split-tasks";

const sizes = (r: { from: number; to: number }[]) => r.map((x) => x.to - x.from);

describe("splitSamples", () => {
  it("cuts a prompt's samples into contiguous ranges of at most samplesPerTask", () => {
    expect(splitSamples(10, { samplesPerTask: 4 })).toEqual([
      { from: 0, to: 4 },
      { from: 4, to: 8 },
      { from: 8, to: 10 },
    ]);
    expect(splitSamples(3, { samplesPerTask: 8 })).toEqual([{ from: 0, to: 3 }]);
    expect(splitSamples(64, { samplesPerTask: 1 })).toHaveLength(64);
  });

  it("or into tasksPerPrompt ranges whose sizes differ by at most one", () => {
    expect(splitSamples(10, { tasksPerPrompt: 3 })).toEqual([
      { from: 0, to: 4 },
      { from: 4, to: 7 },
      { from: 7, to: 10 },
    ]);
    expect(sizes(splitSamples(64, { tasksPerPrompt: 5 }))).toEqual([13, 13, 13, 13, 12]);
    expect(sizes(splitSamples(2, { tasksPerPrompt: 2 }))).toEqual([1, 1]);
  });

  it("refuses impossible splits", () => {
    expect(() => splitSamples(2, { tasksPerPrompt: 3 })).toThrow(RangeError);
    expect(() => splitSamples(0, { samplesPerTask: 1 })).toThrow(RangeError);
    expect(() => splitSamples(4, { samplesPerTask: 0 })).toThrow(RangeError);
  });
});

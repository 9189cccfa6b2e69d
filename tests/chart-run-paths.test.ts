import { describe, expect, it } from "vitest";
import { runPaths } from "../app/_components/run-paths";

describe("runPaths", () => {
  it("joins uploaded and generated runs on separate lines, each in guidance order", () => {
    const paths = runPaths([
      { x: 0.1, y: 30, guidanceScale: 1, source: "uploaded" },
      { x: 0.5, y: 20, guidanceScale: 2, source: "generated" },
      { x: 0.2, y: 28, guidanceScale: 3, source: "uploaded" },
      { x: 0.4, y: 22, guidanceScale: 4, source: "generated" },
    ]);
    expect(paths.map((p) => p.map((q) => `${q.source}@${q.guidanceScale}`))).toEqual([
      ["generated@2", "generated@4"],
      ["uploaded@1", "uploaded@3"],
    ]);
  });

  it("goes through the mean of replicates at one guidance scale instead of fanning out to each", () => {
    const [path] = runPaths([
      { x: 0.1, y: 30, guidanceScale: 1 },
      { x: 0.3, y: 26, guidanceScale: 3 },
      { x: 0.5, y: 22, guidanceScale: 3 },
      { x: 0.7, y: 10, guidanceScale: 5 },
    ]);
    expect(path!.map((p) => [p.guidanceScale, +p.x.toFixed(3), p.y])).toEqual([
      [1, 0.1, 30],
      [3, 0.4, 24],
      [5, 0.7, 10],
    ]);
  });

  it("draws no line for a source with one guidance scale", () => {
    expect(runPaths([{ x: 0.1, y: 30, guidanceScale: 1, source: "uploaded" }])).toEqual([]);
  });
});

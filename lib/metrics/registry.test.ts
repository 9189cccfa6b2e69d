// The direction flag and range of every registered metric are checked against
// what the metric actually computes, so flag, label and behaviour cannot drift.
import { describe, expect, it } from "vitest";
import { MetricInputError } from "./errors";
import { clipScoreMetric } from "./clip-score";
import { getMetric, hasMetric, listMetrics } from "./index";
import { MetricRegistry, type MetricDefinition } from "./registry";
import { basis, uniform, unitVectors } from "../../tools/test-support/metrics";

/** Better/worse inputs by what users mean by "better" for each kind of metric. */
function valueOnBetterAndWorse(def: MetricDefinition): [number, number] {
  if (def.input === "cosines") {
    // images that match their prompts better have higher cosines
    return [def.compute([0.35, 0.3, 0.32]), def.compute([0.1, 0.12, 0.05])];
  }
  // more distinct images for a prompt are more diverse
  const [better, worse] = [def.compute(basis(4, 8)), def.compute(unitVectors(4, 8, 1, 0.2))];
  return [better!, worse!];
}

describe("metric registry", () => {
  it("registers the four run metrics under their summary keys", () => {
    expect(listMetrics().map((m) => m.name)).toEqual(["clipScore", "clipS", "diversity", "vendi"]);
    expect(getMetric("vendi").range).toEqual([1, null]);
    expect(hasMetric("fid")).toBe(false);
    expect(() => getMetric("fid")).toThrow('unknown metric "fid"; known metrics: clipScore, clipS, diversity, vendi');
  });

  it("registering a name twice throws", () => {
    const r = new MetricRegistry();
    r.register(clipScoreMetric);
    expect(() => r.register({ ...clipScoreMetric })).toThrow('metric "clipScore" is already registered');
    expect(() => r.register({ ...clipScoreMetric })).toThrow(MetricInputError);
  });

  it("rejects malformed entries", () => {
    const r = new MetricRegistry();
    expect(() => r.register({ ...clipScoreMetric, name: "a", version: 0 })).toThrow("version must be");
    expect(() => r.register({ ...clipScoreMetric, name: "b", version: "v2" })).toThrow("version must be");
    expect(() => r.register({ ...clipScoreMetric, name: "c", range: [1, 0] })).toThrow("range [1, 0] is empty");
    r.register({ ...clipScoreMetric, name: "d", version: "1.2.0" });
    expect(r.get("d").version).toBe("1.2.0");
  });

  describe.each(listMetrics().map((m) => [m.name, m] as const))("%s", (_name, def) => {
    it("higherIsBetter matches the metric's behaviour", () => {
      const [better, worse] = valueOnBetterAndWorse(def);
      expect(better > worse).toBe(def.higherIsBetter);
    });

    it("values stay in the declared range and reach its finite ends", () => {
      const [lo, hi] = def.range;
      const u = uniform(5);
      const values: number[] = [];
      for (let t = 0; t < 20; t++) {
        values.push(
          def.input === "cosines"
            ? def.compute(Array.from({ length: 8 }, () => 2 * u() - 1))
            : def.compute(unitVectors(2 + (t % 6), 16, t, 3 * u()))!,
        );
      }
      // Extremes: all-opposite / all-aligned cosines; identical / opposite / orthogonal embeddings.
      if (def.input === "cosines") {
        values.push(def.compute([-1, -1]), def.compute([1, 1]));
        expect(Math.min(...values.slice(-2))).toBeCloseTo(lo!, 9);
        expect(Math.max(...values.slice(-2))).toBeCloseTo(hi!, 9);
      } else {
        const v = basis(1, 4)[0]!;
        const identical = def.compute([v, v, v])!;
        values.push(
          identical,
          def.compute([
            [1, 0],
            [-1, 0],
          ])!,
        );
        expect(identical).toBeCloseTo(lo!, 9);
        if (hi === null) {
          // unbounded above: n orthogonal samples score n, growing with n
          expect(def.compute(basis(50, 50))).toBeCloseTo(50, 6);
        } else {
          expect(Math.max(...values)).toBeCloseTo(hi, 9);
        }
      }
      for (const x of values) {
        if (lo !== null) expect(x).toBeGreaterThanOrEqual(lo);
        if (hi !== null) expect(x).toBeLessThanOrEqual(hi);
      }
    });

    it("the label states the declared range", () => {
      const [lo, hi] = def.range;
      expect(def.label).toContain(`${lo}–${hi ?? "n"}`);
    });
  });
});

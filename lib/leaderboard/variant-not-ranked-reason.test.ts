import { describe, expect, it } from "vitest";
import { variantNotRankedReason, type VariantRunOnSet } from "./variant-not-ranked-reason";

const scored = (over: Partial<VariantRunOnSet> = {}): VariantRunOnSet => ({
  status: "scored",
  hiddenReason: null,
  evaluator: { id: "ev-a" },
  ...over,
});

describe("variantNotRankedReason", () => {
  it("says a hidden variant is hidden, not that it has no scored runs, when it has five", () => {
    const reason = variantNotRankedReason({
      variantHidden: true,
      runs: [1, 2, 3, 4, 5].map(() => scored()),
      boardEvaluatorId: "ev-a",
    });
    expect(reason).toBe("the variant is hidden from rankings; unhide it to rank its runs");
    expect(reason).not.toMatch(/no scored runs/);
  });

  it("tells apart no runs, runs not scored yet, failed runs, hidden runs and another evaluator's runs", () => {
    const base = { variantHidden: false, boardEvaluatorId: "ev-a" };
    expect(variantNotRankedReason({ ...base, runs: [] })).toBe("it has no runs on this prompt set yet");
    expect(variantNotRankedReason({ ...base, runs: [scored({ status: "queued", evaluator: null })] })).toMatch(
      /none of its 1 run\(s\) there is scored yet \(1 waiting/,
    );
    expect(variantNotRankedReason({ ...base, runs: [scored({ status: "failed" })] })).toMatch(/failed; retry/);
    expect(variantNotRankedReason({ ...base, runs: [scored({ hiddenReason: "bad batch" })] })).toBe(
      "its 1 scored run(s) there are hidden from rankings",
    );
    expect(variantNotRankedReason({ ...base, runs: [scored({ evaluator: { id: "ev-b" } })] })).toMatch(
      /scored by another evaluator \(ev-b\)/,
    );
    expect(variantNotRankedReason({ ...base, runs: [scored()], excludedReason: "partial: 3 of 4" })).toBe(
      "partial: 3 of 4",
    );
  });
});

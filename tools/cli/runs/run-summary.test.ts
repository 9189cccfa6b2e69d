import { describe, expect, it } from "vitest";
import { formatRunSummary } from "./run-summary";

const run = {
  id: "run_abc",
  status: "scored" as const,
  guidanceScale: 3,
  variant: { id: "var_1", name: "sd15", conditioningType: "text_sequence", hidden: false },
  promptSet: { id: "ps_1", name: "upload-sd15-3f2a", version: 1, isImplicit: true },
  evaluator: { id: "clip-vit-b-32@fd6e14", name: "clip", variant: "fp32", isFixture: false },
  error: null,
  errors: [],
  metrics: {
    run: {
      n: 32,
      failed: 0,
      clipScore: 27.123,
      diversity: 0.4567,
      vendi: 2.5,
      ci: {
        clipScore: { low: 26.5, high: 27.9, level: 0.95, B: 1000, seed: 0, dropped: 0 },
        clipS: null,
        diversity: { low: 0.41, high: 0.5, level: 0.95, B: 1000, seed: 0, dropped: 0 },
        vendi: null,
      },
    },
  },
};

describe("formatRunSummary", () => {
  it("fits one screen and names the run, prompt set, leaderboard and headline metrics", () => {
    const text = formatRunSummary(run, "http://localhost:3000", "/?promptSet=upload-sd15-3f2a");
    expect(text.split("\n").length).toBeLessThanOrEqual(20);
    expect(text).toContain("run_abc");
    expect(text).toContain("http://localhost:3000/runs/run_abc");
    expect(text).toContain("upload-sd15-3f2a v1 (made from uploads)");
    expect(text).toContain("leaderboard http://localhost:3000/?promptSet=upload-sd15-3f2a");
    expect(text).toMatch(/CLIP score 27\.12 {2}\(95% CI 26\.50–27\.90\)/);
    expect(text).toMatch(/diversity {2}0\.457/);
    expect(text).not.toContain("{");
  });

  it("says when there are no metrics instead of printing nulls", () => {
    const text = formatRunSummary(
      { ...run, status: "failed", metrics: null, error: "every sample failed" },
      "http://h",
    );
    expect(text).toContain("error      every sample failed");
    expect(text).not.toContain("null");
    expect(text).not.toContain("leaderboard");
  });
});

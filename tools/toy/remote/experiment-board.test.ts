// The document's board rebuilt from GET /api/v1/leaderboard: ranked rows in board order with
// their CIs, unranked rows with their reasons, and the significance counts the ranking makes
// (a significant pair counts for the higher side unless the lower side dominates it).
// run-toy-experiment.test.ts checks the whole document against the in-process board.
import { describe, expect, it } from "vitest";
import { experimentBoardFromLeaderboard, significanceCounts, type LeaderboardEvaluatorBoard } from "./experiment-board";

const pair = (a: string, b: string, estimate: number, significant: boolean, dominant: "a" | "b" | null = null) => ({
  a,
  b,
  difference: { estimate, ci: null },
  pAdjusted: significant ? 0.01 : 0.6,
  significant,
  dominant,
});

const row = (variantId: string, position: number | null, extra: Record<string, unknown> = {}) => ({
  variantId,
  variant: `name-${variantId}`,
  position,
  rank: position,
  rankWorst: position,
  score: position === null ? null : 40 - position,
  scoreLow: position === null ? null : 38 - position,
  scoreHigh: position === null ? null : 42 - position,
  extended: position === null ? null : false,
  prompts: 16,
  notRankedReason: position === null ? "no run reaches diversity 0.6" : null,
  ...extra,
});

describe("significanceCounts", () => {
  it("counts a significant pair for the higher-scoring side, whichever is A", () => {
    const c = significanceCounts([pair("x", "y", 2.5, true), pair("x", "z", -1, true), pair("y", "z", 0.3, false)]);
    expect(c.get("x")).toEqual({ better: 1, worse: 1 });
    expect(c.get("y")).toEqual({ better: 0, worse: 1 });
    expect(c.get("z")).toEqual({ better: 1, worse: 0 });
  });

  it("does not count a pair whose lower-scoring side dominates the higher one", () => {
    const c = significanceCounts([pair("x", "y", 2.5, true, "b"), pair("x", "z", 2, true, "a")]);
    expect(c.get("x")).toEqual({ better: 1, worse: 0 });
    expect(c.get("y")).toEqual({ better: 0, worse: 0 });
    expect(c.get("z")).toEqual({ better: 0, worse: 1 });
  });
});

describe("experimentBoardFromLeaderboard", () => {
  const board = (
    rows: ReturnType<typeof row>[],
    pairs: ReturnType<typeof pair>[] = [],
    diversity: { value: number; isDefault: boolean; rule: string } | null = {
      value: 0.6,
      isDefault: true,
      rule: "highest level every curve reaches",
    },
  ): LeaderboardEvaluatorBoard => ({
    evaluator: { id: "ev", name: "toy" },
    ranking: { methodVersion: "ranking-v2", updating: false, diversity, rows, pairs },
    variants: rows.map((r) => ({ variant: { id: r.variantId, name: r.variant }, runs: [] })),
  });

  it("keeps the ranked rows in board order with their CIs and counts, and the unranked with reasons", () => {
    const b = experimentBoardFromLeaderboard(
      { name: "toy-set", version: 2 },
      board([row("v2", 2), row("v1", 1), row("v3", null)], [pair("v1", "v2", 1, true)]),
    );
    expect(b.promptSet).toEqual({ name: "toy-set", version: 2 });
    expect(b.variants).toEqual({ v1: { name: "name-v1" }, v2: { name: "name-v2" }, v3: { name: "name-v3" } });
    expect(b.ranking?.ranked).toEqual([
      {
        variantId: "v1",
        rank: 1,
        rankWorst: 1,
        score: 39,
        ci: { low: 37, high: 41 },
        extended: false,
        significantlyBetterThan: 1,
        significantlyWorseThan: 0,
      },
      {
        variantId: "v2",
        rank: 2,
        rankWorst: 2,
        score: 38,
        ci: { low: 36, high: 40 },
        extended: false,
        significantlyBetterThan: 0,
        significantlyWorseThan: 1,
      },
    ]);
    expect(b.ranking?.unranked).toEqual([{ variantId: "v3", reason: "no run reaches diversity 0.6" }]);
    expect(b.ranking).toMatchObject({ methodVersion: "ranking-v2", prompts: 16, diversity: { value: 0.6 } });
    expect(b.ranking?.pairs).toHaveLength(1);
  });

  it("gives no ranking when nothing is ranked and there is no diversity level", () => {
    expect(
      experimentBoardFromLeaderboard({ name: "s", version: 1 }, board([row("v1", null)], [], null)).ranking,
    ).toBeNull();
  });
});

// P8 of issue 10: the page's board, GET /api/v1/leaderboard, the ranking export and the plot
// data show one ranking; and a stored board is reused until one of its runs changes.
import { parse } from "csv-parse/sync";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { toAppError } from "../http/respond";
import { promptScores, runs, runScores } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { METHOD_VERSION } from "../ranking";
import { createRun } from "../runs/create-run";
import { scoreRun } from "../runs/score-run";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { createVariant } from "../variants/create-variant";
import { boardsSettled, clearBoardStore, storedBoard } from "./board-store";
import { exportRanking } from "./export-ranking";
import { getLeaderboard } from "./get-leaderboard";
import { getRankedBoard } from "./get-ranked-board";
import { boardPlotRanking, plotRows } from "./plot-data";
import { rankingRows } from "./ranking-rows";

let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  dir = useTempDataDir();
  clearBoardStore();
});
afterEach(() => removeDataDir(dir));

const PROMPTS = ["a red square", "a green circle on white", "a blue triangle", "a yellow star"];

async function seed() {
  createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
  const ids: string[] = [];
  let seedBase = 1;
  for (const [variant, scales] of [
    ["glide", [1, 3, 7]],
    ["unclip", [2, 6]],
    ["solo", [4]],
  ] as const) {
    createVariant({ name: variant, conditioningType: "text_sequence" });
    for (const g of scales) {
      const run = (
        await createRun({
          ...(await makeRunInput(dir, { prompts: PROMPTS, seedBase: seedBase++ })),
          promptSet: "shapes",
          variant,
          guidanceScale: g,
        })
      ).run;
      await scoreRun({ runId: run.id, evaluator: ev });
      ids.push(run.id);
    }
  }
  return ids;
}

/** Text columns (the level's rule, why significance is withheld) hold commas: a real CSV parser. */
function parseCsv(text: string): Record<string, string>[] {
  return parse(text, { columns: true }) as Record<string, string>[];
}

describe("one ranking everywhere", () => {
  it("the board, the API, the CSV and JSON exports and the plot data agree on rank, score, CI and resamples", async () => {
    await seed();
    // The fixture evaluator's diversities are about 0.007–0.012: at 0.009 the "solo" variant (one
    // run at 0.007) is not ranked, so the rows carry an unranked variant with its reason.
    for (const ranking of [undefined, { diversity: 0.009 }]) {
      const board = getRankedBoard("shapes", { ranking });
      expect(board.ranking!.methodVersion).toBe(METHOD_VERSION);
      expect(board.ranking!.ranked.length).toBeGreaterThanOrEqual(2);
      const rows = rankingRows(board);
      expect(rows.map((r) => r.variant).sort()).toEqual(["glide", "solo", "unclip"]);
      const ranked = rows.filter((r) => r.rank !== null);
      expect(ranked.map((r) => [r.variantId, r.rank, r.score, r.scoreLow, r.scoreHigh, r.resamples])).toEqual(
        board.ranking!.ranked.map((v) => [v.variantId, v.rank, v.score, v.ci!.low, v.ci!.high, v.ci!.resamples]),
      );
      expect(
        rows.every((r) => r.methodVersion === METHOD_VERSION && r.evaluator === board.evaluator!.id && r.prompts === 4),
      ).toBe(true);

      // GET /api/v1/leaderboard
      const api = getLeaderboard("shapes", { ranking });
      const mine = api.evaluators.find((e) => e.evaluator.id === board.evaluator!.id)!;
      expect(mine.ranking.rows).toEqual(rows);
      expect(mine.ranking.pairs).toEqual(board.ranking!.pairs);
      expect(mine.variants.slice(0, ranked.length).map((v) => v.variant.id)).toEqual(ranked.map((r) => r.variantId));

      // The export, both formats
      const json = JSON.parse(exportRanking("shapes", { diversity: ranking?.diversity }, "json").body);
      expect(json.rows).toEqual(rows);
      expect(json.methodVersion).toBe(METHOD_VERSION);
      const csv = parseCsv(exportRanking("shapes", { diversity: ranking?.diversity }, "csv").body);
      expect(
        csv.map((r) => [
          r.variantId,
          r.rank === "" ? null : Number(r.rank),
          r.score === "" ? null : Number(r.score),
          r.resamples === "" ? null : Number(r.resamples),
          r.methodVersion,
        ]),
      ).toEqual(rows.map((r) => [r.variantId, r.rank, r.score, r.resamples, METHOD_VERSION]));

      // The plot data
      const curves = [...board.ranking!.ranked, ...board.ranking!.unranked];
      const plot = plotRows(board, curves, boardPlotRanking(board));
      for (const r of ranked) {
        const mineRows = plot.filter((p) => p.variant === r.variant);
        expect(mineRows.length).toBeGreaterThan(0);
        expect(
          mineRows.every(
            (p) =>
              p.rank === r.rank &&
              p.score === r.score &&
              p.diversityLevel === r.diversityLevel &&
              p.methodVersion === METHOD_VERSION,
          ),
        ).toBe(true);
      }
    }
  });

  it("reuses a stored board until a run of it changes; a cheap board is recomputed within the request", async () => {
    const ids = await seed();
    const first = getRankedBoard("shapes");
    expect(first.updating).toBe(false);
    expect(getRankedBoard("shapes").ranking).toBe(first.ranking);
    // Hiding, renaming or re-scoring a run bumps runs.updated_at or run_scores.computed_at.
    getDb().update(runs).set({ guidanceScale: 9 }).where(eq(runs.id, ids[0]!)).run();
    const second = getRankedBoard("shapes");
    expect(second.updating).toBe(false);
    expect(second.ranking).not.toBe(first.ranking);
    expect(second.runs.find((r) => r.runId === ids[0])!.guidanceScale).toBe(9);
    // A deleted score takes its run off the board.
    getDb().delete(runScores).where(eq(runScores.runId, ids[5]!)).run();
    const third = getRankedBoard("shapes");
    expect(third.runs.map((r) => r.runId)).not.toContain(ids[5]);
    expect(rankingRows(third).map((r) => r.variant)).not.toContain("solo");
  });

  it("serves a costly board's previous version marked updating while the new one is computed after the response", async () => {
    const ids = await seed();
    const scope = {
      promptSetId: getRankedBoard("shapes").promptSet.id,
      evaluatorId: getRankedBoard("shapes").evaluator!.id,
      includeDemo: true,
    };
    const first = storedBoard(getDb(), scope, 0);
    getDb().update(runs).set({ guidanceScale: 11 }).where(eq(runs.id, ids[1]!)).run();
    // With a budget of 0 ms every recomputation counts as costly.
    const during = storedBoard(getDb(), scope, 0);
    expect(during.updating).toBe(true);
    expect(during.fingerprint).toBe(first.fingerprint);
    await boardsSettled();
    const after = storedBoard(getDb(), scope, 0);
    expect(after.updating).toBe(false);
    expect(after.fingerprint).not.toBe(first.fingerprint);
    expect(after.inputs.runs.find((r) => r.runId === ids[1])!.guidanceScale).toBe(11);
  });

  it("reads the cosine sums scoring stored in prompt_scores, and re-aggregates runs scored before they were stored", async () => {
    await seed();
    const stored = getRankedBoard("shapes");
    expect(
      getDb()
        .select({ c: promptScores.cosSum })
        .from(promptScores)
        .all()
        .every((r) => r.c !== null),
    ).toBe(true);
    getDb().update(promptScores).set({ cosSum: null }).run();
    clearBoardStore();
    const legacy = getRankedBoard("shapes");
    expect(legacy.ranking!.ranked.map((v) => [v.variantId, v.rank])).toEqual(
      stored.ranking!.ranked.map((v) => [v.variantId, v.rank]),
    );
    legacy.ranking!.ranked.forEach((v, k) => expect(v.score).toBeCloseTo(stored.ranking!.ranked[k]!.score, 9));
  });

  it("refuses a level outside 0–2 with a 422", async () => {
    await seed();
    let caught: unknown;
    try {
      getRankedBoard("shapes", { ranking: { diversity: 3 } });
    } catch (e) {
      caught = e;
    }
    expect(toAppError(caught)).toMatchObject({ status: 422, code: "validation_failed" });
  });
});

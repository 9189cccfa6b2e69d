// Costly boards are computed in the board thread (board-thread.ts), never on the request thread:
// a board never computed is served empty and marked updating until the thread's result is in,
// and that result is the same board the request thread would have computed.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { ClipEvaluator } from "../clip/evaluator";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { scoreRun } from "../runs/score-run";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { createVariant } from "../variants/create-variant";
import { boardsSettled, clearBoardStore, storedBoard, storedRanking } from "./board-store";
import { getComparison, getRankedBoard } from "./get-ranked-board";
import { rankingPageVersion } from "./page-version";

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

const PROMPTS = ["a red square", "a green circle on white", "a blue triangle"];

async function seedScope() {
  createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
  let seedBase = 1;
  for (const [variant, scales] of [
    ["glide", [1, 5]],
    ["unclip", [2, 6]],
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
    }
  }
  const board = getRankedBoard("shapes");
  clearBoardStore();
  return { promptSetId: board.promptSet.id, evaluatorId: board.evaluator!.id, includeDemo: true };
}

describe("the board thread", () => {
  it("serves a costly board never computed as empty and updating, then the thread's board, identical to one computed inline", async () => {
    const scope = await seedScope();
    const pending = storedBoard(getDb(), scope, 0, 0);
    expect(pending.updating).toBe(true);
    expect(pending.computedAt).toBeNull();
    expect(pending.inputs.inputs).toEqual([]);
    const version = rankingPageVersion();
    // Asked again while computing: still the placeholder, no second computation.
    expect(storedBoard(getDb(), scope, 0, 0).computedAt).toBeNull();
    await boardsSettled();
    expect(rankingPageVersion()).not.toBe(version);
    const threaded = storedBoard(getDb(), scope, 0, 0);
    expect(threaded.updating).toBe(false);
    expect(threaded.computedAt).toBeInstanceOf(Date);
    expect(threaded.inputs.runs).toHaveLength(4);
    const fromThread = storedRanking(threaded);
    clearBoardStore();
    const inline = storedBoard(getDb(), scope);
    expect(inline.updating).toBe(false);
    expect(inline.inputs).toEqual(threaded.inputs);
    expect(storedRanking(inline)).toEqual(fromThread);
    expect(fromThread!.ranked.length).toBe(2);
  });

  it("computes a small board never computed within the request", async () => {
    const scope = await seedScope();
    const board = storedBoard(getDb(), scope);
    expect(board.updating).toBe(false);
    expect(board.inputs.inputs).toHaveLength(2);
  });

  it("says so on the board of the page and the API while it is computed for the first time", async () => {
    const scope = await seedScope();
    storedBoard(getDb(), scope, 0, 0);
    const during = getRankedBoard("shapes");
    expect(during).toMatchObject({ updating: true, computedAt: null, ranking: null });
    await boardsSettled();
    const after = getRankedBoard("shapes");
    expect(after.updating).toBe(false);
    expect(after.ranking!.ranked.length).toBe(2);
  });
});

describe("a head-to-head on a board computed for the first time", () => {
  it("is empty and updating rather than not found", async () => {
    const scope = await seedScope();
    storedBoard(getDb(), scope, 0, 0);
    expect(getComparison("shapes", "glide", "unclip")).toMatchObject({
      comparison: null,
      updating: true,
      computedAt: null,
    });
    await boardsSettled();
    expect(getComparison("shapes", "glide", "unclip").comparison).not.toBeNull();
  });
});

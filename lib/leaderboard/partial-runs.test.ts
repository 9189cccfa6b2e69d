// A run lacking some of the set's prompts averages other prompts than a complete one: it is
// flagged "n of m prompts" and left out of the ranking unless the reader opts in — also when
// every run of the board lacks the same prompt (the old rule compared runs with each other
// only, so such runs joined the ranking unflagged).
import { describe, expect, it } from "vitest";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { scoreRun } from "../runs/score-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { createVariant } from "../variants/create-variant";
import { getRankedBoard } from "./get-ranked-board";
import { rankingRows } from "./ranking-rows";
import { dataDirPerTest, fixtureEvaluator } from "../../tools/test-support/setup";

const shared = fixtureEvaluator();
const data = dataDirPerTest();

const PROMPTS = ["a red square", "a green circle on white", "a blue triangle", "a yellow star"];

async function run(variant: string, guidanceScale: number, prompts: string[], seedBase: number) {
  const r = await createRun({
    ...(await makeRunInput(data.dir, { prompts, seedBase })),
    promptSet: "shapes",
    createVariantIfMissing: undefined,
    variant,
    guidanceScale,
  });
  await scoreRun({ runId: r.run.id, evaluator: shared.ev });
  return r.run;
}

describe("partial runs on a board", () => {
  it("leaves runs covering 3 of 4 prompts out of the ranking, flagged, unless partial runs are included", async () => {
    createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
    createVariant({ name: "glide", conditioningType: "text_sequence" });
    createVariant({ name: "unclip", conditioningType: "clip_image_embedding" });
    const three = PROMPTS.slice(0, 3);
    for (const [v, g, s] of [
      ["glide", 3, 1],
      ["glide", 7, 2],
      ["unclip", 3, 3],
      ["unclip", 7, 4],
    ] as const)
      await run(v, g, three, s);

    const board = getRankedBoard("shapes");
    expect(board.setPrompts).toBe(4);
    expect(board.includePartial).toBe(false);
    expect(board.runs.every((r) => r.promptsCovered === 3 && !r.ranked)).toBe(true);
    expect(board.ranking).toBeNull();
    expect(board.excluded).toHaveLength(2);
    expect(board.excluded[0]!.reason).toMatch(/^partial: its runs cover 3 of the 4 prompts of the set/);
    expect(rankingRows(board).every((r) => r.rank === null && /3 of the 4 prompts/.test(r.notRankedReason!))).toBe(
      true,
    );

    const opted = getRankedBoard("shapes", { includePartial: true });
    expect(opted.includePartial).toBe(true);
    expect(opted.prompts).toBe(3);
    expect(opted.ranking?.ranked.map((v) => opted.variants[v.variantId]!.name).sort()).toEqual(["glide", "unclip"]);
  });

  it("ranks complete runs and lists a partial one beside them", async () => {
    createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
    createVariant({ name: "glide", conditioningType: "text_sequence" });
    createVariant({ name: "unclip", conditioningType: "clip_image_embedding" });
    await run("glide", 3, PROMPTS, 1);
    await run("glide", 7, PROMPTS, 2);
    await run("unclip", 7, PROMPTS.slice(1), 3);
    const board = getRankedBoard("shapes");
    expect(board.prompts).toBe(4);
    expect(board.ranking?.ranked.map((v) => board.variants[v.variantId]!.name)).toEqual(["glide"]);
    expect(board.runs.find((r) => r.promptsCovered === 3)?.ranked).toBe(false);
    expect(board.excluded.map((x) => board.variants[x.variantId]!.name)).toEqual(["unclip"]);
  });
});

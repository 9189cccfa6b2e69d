import { describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { evaluators, runScores } from "../../db/schema";
import { FIXTURE_WARNING } from "../clip/identity";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { listRuns } from "../runs/list-runs";
import { scoreRun } from "../runs/score-run";
import { makeRunInput } from "../../tools/test-support/runs";
import { createVariant } from "../variants/create-variant";
import { getLeaderboard } from "./get-leaderboard";
import { dataDirPerTest, fixtureEvaluator } from "../../tools/test-support/setup";

const shared = fixtureEvaluator();
const data = dataDirPerTest();

const PROMPTS = ["a red square", "a green circle on white", "a blue triangle"];

async function seed() {
  createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
  createVariant({ name: "glide", conditioningType: "text_sequence" });
  createVariant({ name: "unclip", conditioningType: "clip_image_embedding" });
  const base = { promptSet: "shapes", createVariantIfMissing: undefined };
  const r1 = (
    await createRun({
      ...(await makeRunInput(data.dir, { prompts: PROMPTS, seedBase: 1 })),
      ...base,
      variant: "glide",
      guidanceScale: 3,
    })
  ).run;
  const r2 = (
    await createRun({
      ...(await makeRunInput(data.dir, { prompts: PROMPTS, seedBase: 2 })),
      ...base,
      variant: "glide",
      guidanceScale: 7,
    })
  ).run;
  const r3 = (
    await createRun({
      ...(await makeRunInput(data.dir, { prompts: PROMPTS, seedBase: 3 })),
      ...base,
      variant: "unclip",
      guidanceScale: 7,
    })
  ).run;
  const queued = (
    await createRun({
      ...(await makeRunInput(data.dir, { prompts: PROMPTS, seedBase: 4 })),
      ...base,
      variant: "unclip",
      guidanceScale: 1,
    })
  ).run;
  for (const r of [r1, r2, r3]) await scoreRun({ runId: r.id, evaluator: shared.ev });
  return { r1, r2, r3, queued };
}

describe("listRuns", () => {
  it("filters by variant, prompt set and status, newest first, with paging and headline scores", async () => {
    const { r1, r2, r3, queued } = await seed();
    const all = listRuns();
    expect(all.total).toBe(4);
    expect(all.runs.map((r) => r.id)).toEqual([queued.id, r3.id, r2.id, r1.id]);
    expect(all.runs[1]).toMatchObject({
      variant: "unclip",
      status: "scored",
      promptSet: { name: "shapes", version: 1 },
      evaluator: { id: shared.ev.identity.id, isFixture: true },
    });
    expect(all.runs[1]!.scores!.n).toBe(9);
    expect(all.runs[0]).toMatchObject({
      status: "queued",
      scores: null,
      evaluator: null,
      progress: { done: 0, total: 9 },
    });

    expect(listRuns({ variant: "glide" }).runs.map((r) => r.id)).toEqual([r2.id, r1.id]);
    expect(listRuns({ status: "queued" }).runs.map((r) => r.id)).toEqual([queued.id]);
    expect(listRuns({ promptSet: "other" }).total).toBe(0);
    const page = listRuns({ limit: 2, offset: 2 });
    expect(page).toMatchObject({ total: 4, limit: 2, offset: 2 });
    expect(page.runs.map((r) => r.id)).toEqual([r2.id, r1.id]);
    expect(() => listRuns({ status: "done" as never })).toThrow(expect.objectContaining({ status: 422 }));
    expect(() => listRuns({ limit: 1000 })).toThrow(expect.objectContaining({ status: 422 }));
  });
});

describe("getLeaderboard", () => {
  it("ranks each variant's scored runs per evaluator, never mixing evaluators, and flags fixture evaluators", async () => {
    const { r1, r2, r3 } = await seed();
    // The same run scored by a second (real) evaluator: it must get its own board.
    const db = getDb();
    db.insert(evaluators)
      .values({
        id: "clip-vit-base-patch32@abc",
        name: "Xenova/clip-vit-base-patch32",
        variant: "fp32",
        isFixture: false,
        files: [],
      })
      .run();
    db.insert(runScores)
      .values({
        runId: r1.id,
        evaluatorId: "clip-vit-base-patch32@abc",
        n: 9,
        failed: 0,
        groups: 3,
        clipScore: 31,
        clipS: 0.78,
        diversity: 0.2,
        vendi: 1.5,
        diversityGroups: 3,
        ci: { clipScore: null, clipS: null, diversity: null, vendi: null },
        metricVersions: {},
      })
      .run();

    const board = getLeaderboard("shapes");
    expect(board.promptSet).toMatchObject({ name: "shapes", version: 1 });
    expect(board.metrics.map((m) => m.name)).toEqual(["clipScore", "clipS", "diversity", "vendi"]);
    expect(board.evaluators.map((e) => [e.evaluator.id, e.fixture])).toEqual([
      ["clip-vit-base-patch32@abc", false],
      [shared.ev.identity.id, true],
    ]);
    const [real, fixture] = board.evaluators;
    expect(real!.variants.map((v) => [v.variant.name, v.runs.map((r) => r.runId)])).toEqual([["glide", [r1.id]]]);
    expect(real!.evaluator.warning).toBeUndefined();
    expect(fixture!.evaluator.warning).toBe(FIXTURE_WARNING);

    const glide = fixture!.variants.find((v) => v.variant.name === "glide")!;
    expect(glide.runs.map((r) => r.runId).sort()).toEqual([r1.id, r2.id].sort());
    expect(glide.best.clipScore).toBe(Math.max(...glide.runs.map((r) => r.clipScore!)));
    expect(glide.runs[0]!.ci.clipScore).toMatchObject({ B: 1000, level: 0.95 });
    expect(fixture!.variants.find((v) => v.variant.name === "unclip")!.runs.map((r) => r.runId)).toEqual([r3.id]);
    const bests = fixture!.variants.map((v) => v.best.clipScore!);
    expect(bests).toEqual([...bests].sort((a, b) => b - a));
    expect(() => getLeaderboard("nope")).toThrow(expect.objectContaining({ status: 404 }));
  });
});

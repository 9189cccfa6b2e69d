// Where uploads without a named prompt set land (find-containing-prompt-set.ts), and which set
// the leaderboard opens on (lib/leaderboard/default-prompt-set.ts).
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { promptSets, runs } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { resetConfigForTests } from "../core/config";
import { startWorker } from "../workers/run-worker";
import { defaultPromptSet } from "../leaderboard/default-prompt-set";
import { getRankedBoard } from "../leaderboard/get-ranked-board";
import { runLeaderboard } from "../leaderboard/run-leaderboard";
import { createRun } from "../runs/create-run";
import { FIXTURE_MODEL, PROMPTS, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { createPromptSet } from "./create-prompt-set";

let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => {
  delete process.env.T2I_DEFAULT_PROMPT_SET;
  resetConfigForTests();
  removeDataDir(dir);
});

const setOf = (runId: string) =>
  getDb()
    .select({ name: promptSets.name, isImplicit: promptSets.isImplicit })
    .from(runs)
    .innerJoin(promptSets, eq(promptSets.id, runs.promptSetId))
    .where(eq(runs.id, runId))
    .get()!;

async function upload(opts: {
  prompts: string[];
  guidance: number;
  variant?: string;
  seedBase?: number;
  promptSet?: string;
}) {
  const input = await makeRunInput(dir, {
    prompts: opts.prompts,
    perPrompt: 2,
    seedBase: opts.seedBase ?? opts.guidance,
    variant: opts.variant,
  });
  return (await createRun({ ...input, guidanceScale: opts.guidance, promptSet: opts.promptSet })).run;
}

describe("upload landing", () => {
  it("puts the same prompts at five guidance scales, uploaded five times without a set, on one leaderboard with one five-point curve", async () => {
    const ids = [];
    for (const g of [1, 2, 3, 5, 8])
      ids.push((await upload({ prompts: PROMPTS.slice(0, 4), guidance: g, variant: "SD1.5_base" })).id);
    const sets = ids.map(setOf);
    expect(new Set(sets.map((s) => s.name)).size).toBe(1);
    expect(sets[0]).toMatchObject({
      isImplicit: true,
      name: expect.stringMatching(/^upload-sd1\.5_base-[0-9a-f]{12}$/),
    });
    await startWorker({ evaluator: ev, workerId: "w", exitWhenIdle: true, log: () => {}, pollMs: 10 });
    const board = getRankedBoard(sets[0]!.name);
    expect(Object.values(board.variants).map((v) => v.name)).toEqual(["SD1.5_base"]);
    const curves = [...(board.ranking?.ranked ?? []), ...(board.ranking?.unranked ?? [])].map((v) =>
      v.curve.map((p) => p.guidanceScale),
    );
    expect(curves).toEqual([[1, 2, 3, 5, 8]]);
    // The run says where it is, and with nothing else it is the leaderboard's default.
    expect(runLeaderboard(getDb().select().from(runs).where(eq(runs.id, ids[0]!)).get()!.promptSetId)).toEqual({
      promptSet: expect.objectContaining({ name: sets[0]!.name, isImplicit: true }),
      url: `/?promptSet=${encodeURIComponent(sets[0]!.name)}`,
      isDefault: true,
    });
  });

  it("joins a named set that holds all the prompts (over an upload-derived one), and never a demo set", async () => {
    createPromptSet({ name: "demo-shapes", isDemo: true, prompts: PROMPTS.map((prompt) => ({ prompt })) });
    const implicitFirst = await upload({ prompts: PROMPTS.slice(0, 3), guidance: 1 });
    expect(setOf(implicitFirst.id)).toMatchObject({ isImplicit: true });
    createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
    // A subset of both the implicit set and "shapes": the named one wins.
    expect(setOf((await upload({ prompts: PROMPTS.slice(0, 2), guidance: 2 })).id)).toEqual({
      name: "shapes",
      isImplicit: false,
    });
    // One prompt outside every set: a new set named after the upload.
    const outside = await upload({
      prompts: [...PROMPTS.slice(0, 2), "a teal hexagon"],
      guidance: 3,
      variant: "karlo",
    });
    expect(setOf(outside.id)).toMatchObject({ isImplicit: true, name: expect.stringMatching(/^upload-karlo-/) });
    // A named prompt set given explicitly is still used as given.
    expect(setOf((await upload({ prompts: PROMPTS.slice(0, 2), guidance: 4, promptSet: "demo-shapes" })).id).name).toBe(
      "demo-shapes",
    );
  });
});

describe("defaultPromptSet", () => {
  it("stays on the oldest named set with runs while other sets gain runs, unless T2I_DEFAULT_PROMPT_SET names one", async () => {
    expect(defaultPromptSet()).toBeUndefined();
    await upload({ prompts: PROMPTS.slice(0, 2), guidance: 1 });
    expect(defaultPromptSet()).toMatchObject({
      isImplicit: true,
      reason: expect.stringMatching(/no named prompt set/),
    });
    createPromptSet({ name: "first", prompts: PROMPTS.slice(0, 4).map((prompt) => ({ prompt })) });
    createPromptSet({ name: "second", prompts: PROMPTS.slice(4).map((prompt) => ({ prompt })) });
    await upload({ prompts: PROMPTS.slice(0, 4), guidance: 1, promptSet: "first" });
    expect(defaultPromptSet()).toMatchObject({ name: "first", reason: "the oldest named prompt set with runs" });
    for (const g of [1, 2, 3]) await upload({ prompts: PROMPTS.slice(4), guidance: g, promptSet: "second" });
    expect(defaultPromptSet()?.name).toBe("first");
    process.env.T2I_DEFAULT_PROMPT_SET = "second";
    resetConfigForTests();
    expect(defaultPromptSet()).toMatchObject({
      name: "second",
      reason: expect.stringMatching(/T2I_DEFAULT_PROMPT_SET/),
    });
  });
});

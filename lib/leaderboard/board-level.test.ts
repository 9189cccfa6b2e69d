// The board's default level belongs to the prompt set version and evaluator (board-level.ts):
// frozen once when first ranked, replaced by an admin's level (audited), and taken from the
// reference set's own diversity when one is tied and embedded; adding a variant never moves it.
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { auditLog, embeddings, images, prompts, promptSets, referenceImages, referenceSets } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { AppError } from "../core/errors";
import { encodeVector } from "../embeddings/vector-codec";
import { createPromptSet } from "../prompt-sets/create-prompt-set";
import { createRun } from "../runs/create-run";
import { scoreRun } from "../runs/score-run";
import { createTestActors } from "../../tools/test-support/actors";
import { unitVectors } from "../../tools/test-support/metrics";
import { FIXTURE_MODEL, makeRunInput, removeDataDir, useTempDataDir } from "../../tools/test-support/runs";
import { createVariant } from "../variants/create-variant";
import { clearReferenceLevelCache, setPromptSetLevel } from "./board-level";
import { clearBoardStore } from "./board-store";
import { getComparison, getRankedBoard } from "./get-ranked-board";

let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  dir = useTempDataDir();
  clearBoardStore();
  clearReferenceLevelCache();
});
afterEach(() => removeDataDir(dir));

const PROMPTS = ["a red square", "a green circle on white", "a blue triangle", "a yellow star"];
let seedBase = 1;

async function addVariant(variant: string, scales: readonly number[], replicate?: string) {
  if (
    !getDb()
      .query.variants.findFirst({ where: (v, { eq }) => eq(v.name, variant) })
      .sync()
  )
    createVariant({ name: variant, conditioningType: "text_sequence" });
  for (const g of scales) {
    const run = (
      await createRun({
        ...(await makeRunInput(dir, { prompts: PROMPTS, seedBase: seedBase++ })),
        promptSet: "shapes",
        variant,
        guidanceScale: g,
        replicate,
      })
    ).run;
    await scoreRun({ runId: run.id, evaluator: ev });
  }
}

const scoreOf = (board: ReturnType<typeof getRankedBoard>, name: string) => {
  const id = Object.values(board.variants).find((v) => v.name === name)!.id;
  return board.ranking!.ranked.find((v) => v.variantId === id);
};

describe("the board's default level", () => {
  it("is frozen when the board is first ranked, audited, and never moved by a variant added later", async () => {
    createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
    await addVariant("glide", [1, 3, 7]);
    await addVariant("unclip", [2, 6]);
    const first = getRankedBoard("shapes");
    expect(first.level).toMatchObject({ source: "frozen" });
    expect(first.ranking!.diversity).toMatchObject({ source: "frozen", isDefault: true, dependsOnVariants: false });
    expect(first.ranking!.diversity!.value).toBe(first.level!.value);
    const audit = getDb().select().from(auditLog).where(eq(auditLog.action, "prompt_set.level_freeze")).all();
    expect(audit).toHaveLength(1);
    expect(audit[0]).toMatchObject({ apiKeyName: "service", targetType: "prompt_set", details: { variants: 2 } });

    // A third variant: one run less diverse than the level (the old rule would have lowered the level to it).
    await addVariant("solo", [9]);
    clearBoardStore();
    const after = getRankedBoard("shapes");
    expect(after.level!.value).toBe(first.level!.value);
    // It is less diverse than the level: the old default (the highest diversity every curve reaches) would have moved.
    const solo = after.ranking!.unranked.find((v) => after.variants[v.variantId]!.name === "solo");
    expect(solo).toMatchObject({ reasonCode: "below_level", outOfRange: "above" });
    expect(solo!.range!.high).toBeLessThan(first.level!.value);
    for (const name of ["glide", "unclip"]) {
      expect(scoreOf(after, name)?.score).toBe(scoreOf(first, name)?.score);
      expect(scoreOf(after, name)?.ci).toEqual(scoreOf(first, name)?.ci);
    }
    const rawP = (b: typeof first) =>
      b.ranking!.pairs.find((p) => [b.variants[p.a]!.name, b.variants[p.b]!.name].sort().join() === "glide,unclip")!
        .difference.pValue;
    expect(rawP(after)).toBe(rawP(first));
    expect(getDb().select().from(auditLog).where(eq(auditLog.action, "prompt_set.level_freeze")).all()).toHaveLength(1);
    // The comparison page computes its pairs at the same level.
    expect(getComparison("shapes", "glide", "unclip").comparison!.diversity).toMatchObject({
      value: first.level!.value,
      source: "frozen",
    });
  });

  it("takes an admin's level, audited; a submitter may not set one; clearing it freezes anew", async () => {
    createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
    await addVariant("glide", [1, 3, 7]);
    await addVariant("unclip", [2, 6]);
    const frozen = getRankedBoard("shapes").level!;
    const actors = createTestActors();
    const evaluatorId = getRankedBoard("shapes").evaluator!.id;
    const thrown = (() => {
      try {
        setPromptSetLevel({ promptSet: "shapes", evaluatorId, diversity: 0.01 }, actors.alice);
      } catch (e) {
        return e;
      }
    })();
    expect(thrown).toBeInstanceOf(AppError);
    expect((thrown as AppError).status).toBe(403);
    const set = setPromptSetLevel(
      { promptSet: "shapes", evaluatorId, diversity: 0.0095, note: "chosen" },
      actors.admin,
    );
    expect(set.level).toMatchObject({ value: 0.0095, source: "admin" });
    expect(set.level!.rule).toContain("test-admin");
    const board = getRankedBoard("shapes");
    expect(board.ranking!.diversity).toMatchObject({ value: 0.0095, source: "admin" });
    const audit = getDb()
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.action, "prompt_set.level_set"), eq(auditLog.apiKeyName, "test-admin")))
      .get();
    expect(audit?.details).toMatchObject({ level: 0.0095, before: { level: frozen.value, source: "frozen" } });
    expect(() => setPromptSetLevel({ promptSet: "shapes", evaluatorId, diversity: 3 }, actors.admin)).toThrow(/0–2/);
    expect(() => setPromptSetLevel({ promptSet: "shapes", evaluatorId: "nope", diversity: 0.1 }, actors.admin)).toThrow(
      /no evaluator/,
    );
    setPromptSetLevel({ promptSet: "shapes", evaluatorId, diversity: null }, actors.admin);
    expect(getRankedBoard("shapes").level).toMatchObject({ source: "frozen", value: frozen.value });
  });

  it("is the diversity of the latest reference set tied to the prompt set when the evaluator embedded its images", async () => {
    const { promptSet } = createPromptSet({ name: "shapes", prompts: PROMPTS.map((prompt) => ({ prompt })) });
    await addVariant("glide", [1, 3, 7]);
    await addVariant("unclip", [2, 6]);
    const evaluatorId = getRankedBoard("shapes").evaluator!.id;
    const db = getDb();
    const rows = db.select().from(prompts).where(eq(prompts.promptSetId, promptSet.id)).all();
    db.insert(referenceSets)
      .values({ id: "ref_test", name: "real-shapes", version: 1, promptSetId: promptSet.id })
      .run();
    // Two prompts × 3 images: their diversities are computed from the embeddings below.
    const expected: number[] = [];
    rows.slice(0, 2).forEach((p, k) => {
      const vs = unitVectors(3, 8, 100 + k, 0.5);
      const dots = [vs[0]!, vs[1]!, vs[2]!].map((a, i, all) =>
        all.slice(i + 1).map((b) => a.reduce((s, x, j) => s + x * b[j]!, 0)),
      );
      expected.push(1 - dots.flat().reduce((s, x) => s + x, 0) / 3);
      vs.forEach((v, i) => {
        const sha = `${k}${i}`.padEnd(64, "a");
        db.insert(images).values({ sha256: sha, bytes: 1, format: "png", width: 1, height: 1 }).run();
        db.insert(referenceImages)
          .values({ referenceSetId: "ref_test", imageSha256: sha, promptId: p.id, fileName: `${k}-${i}.png` })
          .run();
        db.insert(embeddings)
          .values({ kind: "image", key: sha, evaluatorId, vector: encodeVector(v), dim: 8 })
          .run();
      });
    });
    clearBoardStore();
    const board = getRankedBoard("shapes");
    expect(board.level).toMatchObject({ source: "reference-set", referenceSet: { name: "real-shapes", prompts: 2 } });
    expect(board.level!.value).toBeCloseTo((expected[0]! + expected[1]!) / 2, 6);
    expect(board.ranking!.diversity).toMatchObject({ source: "reference-set", isDefault: true });
    expect(board.level!.rule).toContain('reference set "real-shapes" v1');
    // The reader's level still wins.
    expect(getRankedBoard("shapes", { ranking: { diversity: 0.009 } }).ranking!.diversity).toMatchObject({
      value: 0.009,
      source: "reader",
    });
    expect(db.select().from(promptSets).all()).toHaveLength(1);
  });
});

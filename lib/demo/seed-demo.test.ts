import fs from "node:fs";
import path from "node:path";
import { and, asc, eq, inArray } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { getDb } from "../../db/client";
import { embeddings, images, jobs, promptScores, prompts, promptSets, runScores, runs, sampleScores, samples, variants } from "../../db/schema";
import { ClipEvaluator } from "../clip/evaluator";
import { createRun } from "../runs/create-run";
import { FIXTURE_MODEL, countRows, makeRunInput, removeDataDir, storedFiles, useTempDataDir } from "../runs/test-helpers";
import { asImageFormat } from "../storage/get-image-or-throw";
import { pathFor } from "../storage/content-store";
import { DEMO_PROMPT_SET, DEMO_PROMPTS } from "./demo-catalog";
import { removeDemo } from "./remove-demo";
import { seedDemo, type SeedDemoOptions } from "./seed-demo";

let ev: ClipEvaluator;
let dir: string;
beforeAll(async () => {
  ev = await ClipEvaluator.load(FIXTURE_MODEL, { batchSize: 16, threads: 1 });
});
afterAll(() => ev.release());
beforeEach(() => {
  dir = useTempDataDir();
});
afterEach(() => removeDataDir(dir));

// 2 variants × 2 guidance scales × 3 prompts × 3 samples of 32×32: 36 images.
const SMALL = {
  variants: ["demo-text-sequence", "demo-clip-image-embedding"],
  guidanceScales: [1, 8],
  prompts: 3,
  samplesPerPrompt: 3,
  size: 32,
} satisfies SeedDemoOptions;

const seedSmall = (extra: SeedDemoOptions = {}) => seedDemo({ ...SMALL, evaluator: ev, ...extra });

/** Row counts of every table seeding writes, and the stored files. */
function snapshot() {
  const tables = { promptSets, prompts, variants, runs, samples, images, jobs, sampleScores, promptScores, runScores, embeddings };
  return { rows: Object.fromEntries(Object.entries(tables).map(([k, t]) => [k, countRows(t)])), files: storedFiles(dir) };
}

describe("seedDemo", () => {
  it("creates the demo prompt set, variants and runs, flagged as demo data and scored", async () => {
    const lines: string[] = [];
    const r = await seedSmall({ log: (l) => lines.push(l) });
    expect(r).toEqual({ outcome: "seeded", promptSetCreated: true, variantsCreated: 2, runsCreated: 4, imagesDrawn: 36, runsScored: 4, runsFailed: 0, runsPending: 0 });
    const db = getDb();

    const set = db.select().from(promptSets).where(eq(promptSets.name, DEMO_PROMPT_SET)).get()!;
    expect(set).toMatchObject({ isDemo: true, version: 1 });
    const ps = db.select().from(prompts).where(eq(prompts.promptSetId, set.id)).orderBy(asc(prompts.position)).all();
    expect(ps.map((p) => [p.promptKey, p.text])).toEqual(DEMO_PROMPTS.map((p) => [p.id, p.prompt]));
    expect(ps.map((p) => p.text)).toContain("a corgi playing a flame throwing trumpet");
    expect(ps.every((p) => p.category)).toBe(true);

    const vs = db.select().from(variants).orderBy(asc(variants.name)).all();
    expect(vs.map((v) => [v.name, v.conditioningType, v.isDemo])).toEqual([
      ["demo-clip-image-embedding", "clip_image_embedding", true],
      ["demo-text-sequence", "text_sequence", true],
    ]);
    for (const v of vs) expect(v.description).toMatch(/DEMO DATA.*procedurally drawn.*not model output/);

    const rs = db.select({ id: runs.id, variant: variants.name, g: runs.guidanceScale, isDemo: runs.isDemo, status: runs.status, source: runs.source }).from(runs).innerJoin(variants, eq(variants.id, runs.variantId)).all();
    expect(rs).toHaveLength(4);
    expect(rs.every((x) => x.isDemo && x.status === "scored" && x.source === "generated")).toBe(true);
    expect(countRows(samples)).toBe(36);
    expect(countRows(runScores)).toBe(4);
    expect(db.select().from(jobs).all().every((j) => j.status === "done")).toBe(true);
    expect(lines.filter((l) => /^\[\d\/4\] demo-.* @ guidance \d: scored 9 samples/.test(l))).toHaveLength(4);

    // Even under the random-weight evaluator the stored diversity follows the drawn spread.
    const diversity = (variant: string, g: number) =>
      db.select({ d: runScores.diversity }).from(runScores).innerJoin(runs, eq(runs.id, runScores.runId)).innerJoin(variants, eq(variants.id, runs.variantId)).where(and(eq(variants.name, variant), eq(runs.guidanceScale, g))).get()!.d!;
    for (const v of SMALL.variants) expect(diversity(v, 8)).toBeLessThan(diversity(v, 1));

    expect(fs.readdirSync(path.join(dir, "staging"))).toEqual([]);
  });

  it("creates nothing when run again, and redraws byte-identical images", async () => {
    await seedSmall();
    const before = snapshot();
    const again = await seedSmall();
    expect(again).toMatchObject({ outcome: "already_present", promptSetCreated: false, variantsCreated: 0, runsCreated: 0, imagesDrawn: 0 });
    expect(snapshot()).toEqual(before);

    // A fresh database gets the same files: the drawing is deterministic, so createRun's fingerprint dedupes reseeds.
    const other = useTempDataDir();
    try {
      await seedSmall({ score: false });
      expect(storedFiles(other)).toEqual(before.files);
    } finally {
      removeDataDir(other);
    }
  });

  it("with ifEmpty, does nothing when a run exists", async () => {
    const input = await makeRunInput(dir, { variant: "my-variant" });
    await createRun(input);
    const before = snapshot();
    expect(await seedSmall({ ifEmpty: true })).toMatchObject({ outcome: "not_empty", runsCreated: 0 });
    expect(snapshot()).toEqual(before);
  });

  it("with ifEmpty, seeds an empty database", async () => {
    const r = await seedSmall({ ifEmpty: true, score: false });
    expect(r).toMatchObject({ outcome: "seeded", runsCreated: 4, runsScored: 0, runsPending: 4 });
  });

  it("refuses to mix demo data into a user's variant of the same name", async () => {
    await createRun(await makeRunInput(dir, { variant: "demo-text-sequence" }));
    const before = snapshot();
    await expect(seedSmall()).rejects.toMatchObject({ code: "conflict" });
    expect(snapshot()).toEqual(before);
  });
});

describe("removeDemo", () => {
  it("removes every demo row and the files only demo samples used, leaving a non-demo run intact", async () => {
    await seedSmall({ score: false });
    const db = getDb();
    // A user's run that shares one image with the demo data: that file must survive.
    const shared = db.select({ sha256: images.sha256, format: images.format }).from(images).limit(1).get()!;
    const input = await makeRunInput(dir, { variant: "my-variant", perPrompt: 2 });
    const copy = path.join(dir, "staging", "shared.png");
    fs.copyFileSync(pathFor(shared.sha256, asImageFormat(shared.format)), copy);
    input.items.push({ ...input.items[0]!, fileName: "shared.png", seed: 99, stagedPath: copy, sha256: shared.sha256, bytes: fs.statSync(copy).size, width: 32, height: 32 });
    const { run: mine } = await createRun(input);
    // Scores everything queued, the user's run included.
    await seedSmall();
    expect(db.select({ s: runs.status }).from(runs).where(eq(runs.id, mine.id)).get()!.s).toBe("scored");

    const mySamples = db.select().from(samples).where(eq(samples.runId, mine.id)).all();
    const myShas = [...new Set(mySamples.map((s) => s.imageSha256))];
    const myFiles = myShas.map((sha) => path.relative(path.join(dir, "images"), pathFor(sha, "png"))).sort();
    const demoOnly = storedFiles(dir).length - myFiles.length;
    const myScores = { sampleScores: countRows(sampleScores), promptScores: countRows(promptScores) };

    const r = removeDemo();
    expect(r).toEqual({ runs: 4, samples: 36, variants: 2, promptSets: 1, images: demoOnly, filesDeleted: demoOnly, keptVariants: [], keptPromptSets: [] });

    expect(storedFiles(dir)).toEqual(myFiles);
    expect(db.select({ id: runs.id }).from(runs).all()).toEqual([{ id: mine.id }]);
    expect(db.select().from(samples).all()).toEqual(mySamples);
    expect(db.select({ sha: images.sha256 }).from(images).all().map((i) => i.sha).sort()).toEqual([...myShas].sort());
    expect(countRows(sampleScores)).toBe(mySamples.length);
    expect(myScores.sampleScores).toBe(mySamples.length + 36);
    expect(countRows(promptScores)).toBe(myScores.promptScores - 4 * 3);
    expect(db.select({ runId: runScores.runId }).from(runScores).all()).toEqual([{ runId: mine.id }]);
    expect(db.select({ runId: jobs.runId }).from(jobs).all()).toEqual([{ runId: mine.id }]);
    expect(db.select({ name: variants.name }).from(variants).all()).toEqual([{ name: "my-variant" }]);
    expect(db.select().from(promptSets).where(eq(promptSets.isDemo, true)).all()).toEqual([]);
    expect(db.select().from(prompts).innerJoin(promptSets, eq(promptSets.id, prompts.promptSetId)).where(eq(promptSets.name, DEMO_PROMPT_SET)).all()).toEqual([]);
    const imageKeys = db.select({ key: embeddings.key }).from(embeddings).where(eq(embeddings.kind, "image")).all().map((e) => e.key).sort();
    expect(imageKeys).toEqual([...myShas].sort());

    expect(removeDemo()).toMatchObject({ runs: 0, variants: 0, promptSets: 0, images: 0, filesDeleted: 0 });
  });

  it("keeps a demo variant that a non-demo run uses, and reports it", async () => {
    await seedSmall({ variants: ["demo-text-sequence"], guidanceScales: [3], score: false });
    const { run: mine } = await createRun(await makeRunInput(dir, { variant: "demo-text-sequence" }));
    const r = removeDemo();
    expect(r).toMatchObject({ runs: 1, variants: 0, promptSets: 1, keptVariants: ["demo-text-sequence"], keptPromptSets: [] });
    expect(getDb().select({ id: runs.id }).from(runs).all()).toEqual([{ id: mine.id }]);
    expect(getDb().select({ isDemo: variants.isDemo }).from(variants).where(inArray(variants.name, ["demo-text-sequence"])).get()).toEqual({ isDemo: true });
  });
});

// Seeds the demo (lib/demo/demo-catalog.ts) so that every page has real content on a fresh,
// offline install: the toy-world seed experiment run in this process on the service's database
// (the four trained toy generators make the samples through the generation protocol, the toy
// evaluator scores them; lib/demo/run-toy-experiment.ts), every variant, prompt set and run
// flagged isDemo, then the toy reference set of the demo prompt set, rendered from the scene
// grammar, and every demo run compared with it (recall, coverage, …), also by the toy evaluator.
// Idempotent: a variant that already has finished demo runs is not generated again; a variant
// whose demo runs an interrupted seeding left unfinished is deleted and generated afresh (same
// seeds, same images).
import { and, eq, inArray, notInArray, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { jobs, promptSets, referenceSets, runs, variants } from "../../db/schema";
import { resolveModel } from "../clip/resolve-model";
import { AppError, validationError } from "../core/errors";
import { startWorker } from "../workers/run-worker";
import { createToyReferenceSet } from "../reference-sets/create-toy-reference-set";
import { getPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { deleteRunRows } from "../runs/delete-run-rows";
import { removeOrphanFiles } from "../storage/orphan-images";
import { runToyExperiment, type ExperimentProgress } from "./run-toy-experiment";
import { DEMO_EXPERIMENT, DEMO_NOTE, DEMO_PROMPT_SET, DEMO_REFERENCE, DEMO_VARIANTS } from "./demo-catalog";

export const seedDemoSettingsSchema = z.object({
  /** Which toy variants (default: all four). */
  variants: z
    .array(
      z
        .string()
        .refine((v) => DEMO_VARIANTS.includes(v), { message: `not a toy variant (${DEMO_VARIANTS.join(", ")})` }),
    )
    .min(1)
    .optional(),
  /** Smaller demos (tests); the defaults are DEMO_EXPERIMENT (DEMO_REPRODUCE_COMMAND's settings). */
  promptsPerType: z.number().int().min(1).max(50).default(DEMO_EXPERIMENT.promptsPerType),
  guidanceScales: z
    .array(z.number().min(0).max(100))
    .min(1)
    .max(20)
    .default([...DEMO_EXPERIMENT.guidanceScales]),
  samplesPerPrompt: z.number().int().min(2).max(64).default(DEMO_EXPERIMENT.samplesPerPrompt),
  steps: z.number().int().min(1).max(1000).default(DEMO_EXPERIMENT.steps),
  seed: z.number().int().min(0).max(0xffffffff).default(DEMO_EXPERIMENT.seed),
  /** Reference scenes per prompt (more than 5: coverage uses k = 5 neighbours within a prompt). */
  referencePerPrompt: z.number().int().min(6).max(1000).default(DEMO_REFERENCE.perPrompt),
  /** Seed only when the database has no runs at all (first start). */
  ifEmpty: z.boolean().default(false),
});

export type SeedDemoOptions = z.input<typeof seedDemoSettingsSchema> & {
  /** Progress lines; default: silent. */
  log?: (line: string) => void;
  /** Aborting stops between generation tasks or hands the job being scored back to the queue. */
  signal?: AbortSignal;
  /**
   * Each counted step as it advances ("generating samples: 96 of 224 generation tasks", "scoring …",
   * "rendering the reference set", "comparing with the reference set"); `npm start` shows them on
   * its starting page. Steps are free text: a demo that seeds more adds steps, not types.
   */
  progress?: (p: SeedProgress) => void;
};

export type SeedProgress = ExperimentProgress;

export type SeedDemoResult = {
  /** `already_present`: nothing new was needed; `not_empty`: ifEmpty and the database has runs. */
  outcome: "seeded" | "already_present" | "not_empty";
  promptSetCreated: boolean;
  variantsCreated: number;
  runsCreated: number;
  /** Samples the toy generators made. */
  samplesGenerated: number;
  /** Images of the reference set rendered now (0 when it already existed). */
  referenceImages: number;
  /** Demo runs redone because an interrupted seeding had left them unfinished. */
  runsRedone: number;
  seconds: { generate: number; score: number; reference: number };
};

/**
 * Seeds (or completes) the demo; resolves once every demo run is scored and compared with the
 * reference set. Throws AppError `conflict` when a demo name is taken by non-demo data, or when
 * non-demo scoring jobs are waiting (the in-process toy-evaluator worker would take them), and
 * `validation_failed` for bad options.
 */
export async function seedDemo(opts: SeedDemoOptions = {}): Promise<SeedDemoResult> {
  const parsed = seedDemoSettingsSchema.safeParse(opts);
  if (!parsed.success) throw validationError(parsed.error, "demo seeding options");
  const o = parsed.data;
  const log = opts.log ?? (() => {});
  const db = getDb();
  const result: SeedDemoResult = {
    outcome: "already_present",
    promptSetCreated: false,
    variantsCreated: 0,
    runsCreated: 0,
    samplesGenerated: 0,
    referenceImages: 0,
    runsRedone: 0,
    seconds: { generate: 0, score: 0, reference: 0 },
  };
  if (
    o.ifEmpty &&
    db
      .select({ n: sql<number>`count(*)` })
      .from(runs)
      .get()!.n > 0
  )
    return { ...result, outcome: "not_empty" };

  const wanted = DEMO_VARIANTS.filter((v) => !o.variants || o.variants.includes(v));
  refuseNonDemoData(wanted);
  const setBefore = demoPromptSetId();
  result.runsRedone = deleteUnfinishedDemoRuns(setBefore);
  if (result.runsRedone > 0) log(`redoing ${result.runsRedone} demo run(s) an interrupted seeding left unfinished`);
  const missing = wanted.filter((v) => !setBefore || !hasDemoRuns(v, setBefore));

  const variantsBefore = countDemoVariants();
  if (missing.length > 0) {
    log(
      `generating the toy-world demo: ${missing.join(", ")} × guidance ${o.guidanceScales.join(", ")} × ${2 * o.promptsPerType} prompts × ${o.samplesPerPrompt} samples`,
    );
    const r = await runToyExperiment({
      promptsPerType: o.promptsPerType,
      guidanceScales: o.guidanceScales,
      samplesPerPrompt: o.samplesPerPrompt,
      steps: o.steps,
      seed: o.seed,
      promptSetName: DEMO_PROMPT_SET,
      variants: missing,
      isDemo: true,
      descriptionNote: DEMO_NOTE,
      signal: opts.signal,
      log,
      progress: opts.progress,
    });
    result.runsCreated = r.runs.length;
    result.samplesGenerated = r.runs.reduce((a, run) => a + (run.detail.generation?.total ?? 0), 0);
    result.seconds.generate = r.seconds.generate;
    result.seconds.score = r.seconds.score;
  }
  result.variantsCreated = countDemoVariants() - variantsBefore;
  const setId = demoPromptSetId();
  result.promptSetCreated = setBefore === undefined && setId !== undefined;

  if (setId && !hasReferenceSet(setId)) {
    const t0 = performance.now();
    const progress = opts.progress ?? (() => {});
    const prompts = getPromptSetOrThrow(setId).prompts.length;
    const rendering = "rendering the reference set";
    progress({ step: rendering, done: 0, total: prompts, unit: "prompts" });
    let rendered = 0;
    const ref = await createToyReferenceSet({
      promptSet: setId,
      perPrompt: o.referencePerPrompt,
      seed: DEMO_REFERENCE.seed,
      log: () => progress({ step: rendering, done: Math.min(prompts, ++rendered), total: prompts, unit: "prompts" }),
    });
    result.referenceImages = ref.images;
    log(
      `rendered the toy reference set ${ref.referenceSet.name} (${ref.images} images); comparing ${ref.queuedRuns} run(s) with it`,
    );
    const comparing = "comparing the runs with the reference set";
    progress({ step: comparing, done: 0, total: ref.queuedRuns, unit: "runs" });
    await startWorker({
      exitWhenIdle: true,
      model: resolveModel("toy"),
      signal: opts.signal,
      log: () => {},
      onJob: (s) =>
        progress({
          step: comparing,
          done: Math.min(ref.queuedRuns, s.jobsDone + s.jobsFailed),
          total: ref.queuedRuns,
          unit: "runs",
        }),
    });
    opts.signal?.throwIfAborted();
    result.seconds.reference = (performance.now() - t0) / 1000;
  }
  if (result.runsCreated > 0 || result.referenceImages > 0 || result.promptSetCreated) result.outcome = "seeded";
  return result;
}

/** The latest demo version of the demo prompt set, if any. */
function demoPromptSetId(): string | undefined {
  return getDb()
    .select({ id: promptSets.id })
    .from(promptSets)
    .where(and(eq(promptSets.name, DEMO_PROMPT_SET), eq(promptSets.isDemo, true)))
    .orderBy(sql`${promptSets.version} desc`)
    .limit(1)
    .get()?.id;
}

const countDemoVariants = () =>
  getDb()
    .select({ n: sql<number>`count(*)` })
    .from(variants)
    .where(eq(variants.isDemo, true))
    .get()!.n;

/**
 * A demo name taken by a user's own variant or prompt set must not be mixed with demo data, and
 * a waiting non-demo job would be scored by the toy evaluator of this process's worker.
 */
function refuseNonDemoData(wanted: readonly string[]): void {
  const db = getDb();
  const set = db
    .select({ id: promptSets.id })
    .from(promptSets)
    .where(and(eq(promptSets.name, DEMO_PROMPT_SET), eq(promptSets.isDemo, false)))
    .limit(1)
    .get();
  if (set)
    throw new AppError(
      "conflict",
      `a prompt set named "${DEMO_PROMPT_SET}" exists and is not demo data; demo data was not seeded`,
      { promptSet: DEMO_PROMPT_SET },
    );
  const taken = db
    .select({ name: variants.name })
    .from(variants)
    .where(and(inArray(variants.name, [...wanted]), eq(variants.isDemo, false)))
    .all()
    .map((t) => t.name);
  if (taken.length > 0) {
    throw new AppError(
      "conflict",
      `variant name(s) ${taken.map((n) => `"${n}"`).join(", ")} exist and are not demo data; demo data was not seeded`,
      { variants: taken },
    );
  }
  const waiting = db
    .select({ n: sql<number>`count(*)` })
    .from(jobs)
    .innerJoin(runs, eq(runs.id, jobs.runId))
    .where(and(inArray(jobs.status, ["queued", "running"]), eq(runs.isDemo, false)))
    .get()!.n;
  if (waiting > 0) {
    throw new AppError(
      "conflict",
      `${waiting} scoring job(s) of non-demo runs are waiting; the demo is scored in this process by the toy-world evaluator, which would take them too. ` +
        `Let the service's worker finish them (npm run worker), then seed the demo`,
      { waitingJobs: waiting },
    );
  }
}

function hasDemoRuns(variant: string, setId: string): boolean {
  return (
    getDb()
      .select({ id: runs.id })
      .from(runs)
      .innerJoin(variants, eq(variants.id, runs.variantId))
      .where(and(eq(variants.name, variant), eq(runs.promptSetId, setId), eq(runs.isDemo, true)))
      .limit(1)
      .get() !== undefined
  );
}

function hasReferenceSet(setId: string): boolean {
  return (
    getDb()
      .select({ id: referenceSets.id })
      .from(referenceSets)
      .where(eq(referenceSets.promptSetId, setId))
      .limit(1)
      .get() !== undefined
  );
}

/**
 * Deletes every demo run of a variant that has any demo run not yet scored or failed on the demo
 * set (a seeding stopped midway), so the variant is generated again from the same seeds.
 */
function deleteUnfinishedDemoRuns(setId: string | undefined): number {
  if (!setId) return 0;
  const db = getDb();
  const { deleted, images } = db.transaction(
    (tx) => {
      const onSet = and(eq(runs.promptSetId, setId), eq(runs.isDemo, true));
      const unfinishedVariants = tx
        .selectDistinct({ variantId: runs.variantId })
        .from(runs)
        .where(and(onSet, notInArray(runs.status, ["scored", "failed"])));
      const ids = tx
        .select({ id: runs.id })
        .from(runs)
        .where(and(onSet, inArray(runs.variantId, unfinishedVariants)))
        .all()
        .map((r) => r.id);
      const rows = deleteRunRows(tx, ids);
      return { deleted: rows.runs, images: rows.images };
    },
    { behavior: "immediate" },
  );
  removeOrphanFiles(images);
  return deleted;
}

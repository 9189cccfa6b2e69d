// Registers a generation request: one run per guidance scale (source `generated`, status
// `generating`), each split into tasks of one prompt × a range of sample indices that GPU
// workers claim (docs/reference/worker-protocol.md). The generation, its runs and all their tasks are
// written in ONE transaction, so workers never see half a request.
import { createHash } from "node:crypto";
import { asc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { newId } from "../../db/ids";
import {
  generations,
  generationTasks,
  prompts,
  runs,
  samplerSchema,
  variants,
  type GenerationRow,
  type NewGenerationTaskRow,
  type RunRow,
} from "../../db/schema";
import { config } from "../core/config";
import { AppError, isAppError, validationError } from "../core/errors";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { seedPolicy, UINT32_MAX } from "./derive-seed";
import { splitSamples } from "./split-tasks";

// Diffusion models work on latents 8× smaller than the image, so sides are multiples of 8.
const sideSchema = z.number().int().min(64).max(2048).multipleOf(8);

export const generationSizeSchema = z
  .union([sideSchema, z.object({ width: sideSchema, height: sideSchema }).strict()])
  .meta({
    description:
      "Image size in pixels: one side for square images (e.g. 512) or { width, height }; 64–2048, multiples of 8.",
  });

export const createGenerationInputSchema = z
  .object({
    variant: z.string().trim().min(1).max(100).meta({
      description: "Variant name (registered with POST /api/v1/variants); only workers declaring it get the tasks.",
    }),
    promptSet: z
      .string()
      .trim()
      .min(1)
      .max(200)
      .meta({ description: "Prompt set name (latest version unless promptSetVersion) or id." }),
    promptSetVersion: z.number().int().min(1).optional(),
    guidanceScales: z
      .array(z.number().finite().min(0).max(1000))
      .min(1)
      .max(20)
      .refine((a) => new Set(a).size === a.length, "guidance scales must be distinct")
      .meta({ description: "One run per scale (1–20 distinct values)." }),
    samplesPerPrompt: z.number().int().min(1).max(64),
    seed: z.number().int().min(0).max(UINT32_MAX).optional().meta({
      description:
        "uint32 request seed; per-sample seeds derive from it (docs/reference/worker-protocol.md). Random when omitted.",
    }),
    steps: z.number().int().min(1).max(1000).default(50),
    sampler: samplerSchema.default("ddim"),
    size: generationSizeSchema.default(512),
    negativePrompt: z.string().trim().max(2000).optional(),
    samplesPerTask: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: "Samples per task (default T2I_GEN_SAMPLES_PER_TASK, 8). Give this or tasksPerPrompt." }),
    tasksPerPrompt: z
      .number()
      .int()
      .min(1)
      .max(64)
      .optional()
      .meta({ description: "Split each prompt's samples into this many tasks instead." }),
  })
  .strict()
  .refine((v) => v.samplesPerTask === undefined || v.tasksPerPrompt === undefined, {
    message: "give samplesPerTask or tasksPerPrompt, not both",
    path: ["tasksPerPrompt"],
  })
  .refine((v) => v.tasksPerPrompt === undefined || v.tasksPerPrompt <= v.samplesPerPrompt, {
    message: "tasksPerPrompt cannot exceed samplesPerPrompt",
    path: ["tasksPerPrompt"],
  });
export type CreateGenerationInput = z.input<typeof createGenerationInputSchema>;

export type CreateGenerationResult = { generation: GenerationRow; runs: RunRow[]; tasks: number; samples: number };

// Rows per INSERT, under SQLite's bound-parameter limit.
const ROWS_PER_INSERT = 500;

/** `opts.isDemo` flags the runs as demo data (the seeded toy-world demo; never set from the API). */
export function createGeneration(
  input: CreateGenerationInput,
  opts: { apiKeyId?: string; isDemo?: boolean } = {},
): CreateGenerationResult {
  const parsed = createGenerationInputSchema.safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "generation request");
  const v = parsed.data;
  const cfg = config();
  const db = getDb();

  const variant = db.select().from(variants).where(eq(variants.name, v.variant)).get();
  if (!variant)
    throw new AppError(
      "validation_failed",
      `unknown variant "${v.variant}": register it first with POST /api/v1/variants`,
      { variant: v.variant },
    );
  let set;
  try {
    set = findPromptSetOrThrow(db, v.promptSet, v.promptSetVersion);
  } catch (e) {
    if (isAppError(e) && e.code === "not_found")
      throw new AppError("validation_failed", e.message, { promptSet: v.promptSet, version: v.promptSetVersion });
    throw e;
  }
  const promptRows = db
    .select({ id: prompts.id })
    .from(prompts)
    .where(eq(prompts.promptSetId, set.id))
    .orderBy(asc(prompts.position))
    .all();

  const perRun = promptRows.length * v.samplesPerPrompt;
  const total = perRun * v.guidanceScales.length;
  if (total > cfg.genMaxSamples) {
    throw new AppError(
      "validation_failed",
      `the request asks for ${total} samples (${promptRows.length} prompts × ${v.samplesPerPrompt} × ${v.guidanceScales.length} scales); the limit is ${cfg.genMaxSamples} (T2I_GEN_MAX_SAMPLES)`,
      { requested: total, limit: cfg.genMaxSamples },
    );
  }
  const ranges = splitSamples(
    v.samplesPerPrompt,
    v.tasksPerPrompt !== undefined
      ? { tasksPerPrompt: v.tasksPerPrompt }
      : { samplesPerTask: v.samplesPerTask ?? cfg.genSamplesPerTask },
  );
  const { width, height } = typeof v.size === "number" ? { width: v.size, height: v.size } : v.size;
  const seed = v.seed ?? Math.floor(Math.random() * (UINT32_MAX + 1));

  return db.transaction(
    (tx) => {
      const now = new Date();
      const generation = tx
        .insert(generations)
        .values({
          id: newId("gen"),
          variantId: variant.id,
          promptSetId: set.id,
          guidanceScales: v.guidanceScales,
          samplesPerPrompt: v.samplesPerPrompt,
          seed,
          steps: v.steps,
          sampler: v.sampler,
          width,
          height,
          negativePrompt: v.negativePrompt ? v.negativePrompt : null,
          samplesPerTask: Math.max(...ranges.map((r) => r.to - r.from)),
          status: "queued",
          apiKeyId: opts.apiKeyId ?? null,
          createdAt: now,
        })
        .returning()
        .get();

      const runRows: RunRow[] = [];
      const tasks: NewGenerationTaskRow[] = [];
      for (const guidanceScale of v.guidanceScales) {
        const run = tx
          .insert(runs)
          .values({
            id: newId("run"),
            variantId: variant.id,
            promptSetId: set.id,
            guidanceScale,
            sampler: v.sampler,
            steps: v.steps,
            seedPolicy: seedPolicy(seed),
            source: "generated",
            status: "generating",
            progressTotal: perRun,
            generatedTotal: perRun,
            generationId: generation.id,
            apiKeyId: opts.apiKeyId ?? null,
            isDemo: opts.isDemo ?? false,
            // A generated run is identified by its request, not by images it does not have yet.
            fingerprint: createHash("sha256")
              .update(JSON.stringify({ v: 1, generation: generation.id, guidanceScale }))
              .digest("hex"),
          })
          .returning()
          .get();
        runRows.push(run);
        for (const p of promptRows) {
          for (const r of ranges) {
            // One createdAt for the whole request; `position` orders its tasks (the claim order).
            tasks.push({
              id: newId("task"),
              generationId: generation.id,
              runId: run.id,
              promptId: p.id,
              sampleFrom: r.from,
              sampleTo: r.to,
              position: tasks.length,
              maxAttempts: cfg.genMaxAttempts,
              createdAt: now,
            });
          }
        }
      }
      for (let k = 0; k < tasks.length; k += ROWS_PER_INSERT)
        tx.insert(generationTasks)
          .values(tasks.slice(k, k + ROWS_PER_INSERT))
          .run();
      return { generation, runs: runRows, tasks: tasks.length, samples: total };
    },
    { behavior: "immediate" },
  );
}

import { z } from "zod";
import { apiKeys } from "./api-keys";
import { check, createdAt, index, integer, oneOf, table, text, timestamp, updatedAt } from "./column-helpers";
import { promptSets } from "./prompt-sets";
import { variants } from "./variants";

/** queued: no task claimed yet; running: some task claimed; done: every task done; failed: a run's task gave up; cancelled: by request. */
export const GENERATION_STATUSES = ["queued", "running", "done", "cancelled", "failed"] as const;
export const generationStatusSchema = z.enum(GENERATION_STATUSES);
export type GenerationStatus = z.infer<typeof generationStatusSchema>;

export const SAMPLERS = ["ddim"] as const;
export const samplerSchema = z.enum(SAMPLERS);

/**
 * A request to sample a variant on a prompt set at several guidance scales: one run per scale,
 * split into generation tasks that GPU workers claim (docs/reference/worker-protocol.md).
 */
export const generations = table(
  "generations",
  {
    /** `gen_<random>`. */
    id: text("id").primaryKey(),
    variantId: text("variant_id")
      .notNull()
      .references(() => variants.id),
    promptSetId: text("prompt_set_id")
      .notNull()
      .references(() => promptSets.id),
    guidanceScales: text("guidance_scales", { mode: "json" }).$type<number[]>().notNull(),
    samplesPerPrompt: integer("samples_per_prompt").notNull(),
    /** The request seed; per-sample seeds derive from it (lib/generation/derive-seed.ts). */
    seed: integer("seed").notNull(),
    steps: integer("steps").notNull(),
    sampler: text("sampler").notNull(),
    width: integer("width").notNull(),
    height: integer("height").notNull(),
    negativePrompt: text("negative_prompt"),
    samplesPerTask: integer("samples_per_task").notNull(),
    status: text("status", { enum: GENERATION_STATUSES }).notNull().default("queued"),
    error: text("error"),
    /** The API key that asked for it. */
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [
    index("generations_created_at_idx").on(t.createdAt),
    index("generations_variant_created_idx").on(t.variantId, t.createdAt),
    index("generations_status_idx").on(t.status),
    check("generations_status_ck", oneOf(t.status, GENERATION_STATUSES)),
  ],
);

export type GenerationRow = typeof generations.$inferSelect;
export type NewGenerationRow = typeof generations.$inferInsert;

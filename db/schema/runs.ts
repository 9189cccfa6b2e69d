import { z } from "zod";
import {
  check,
  createdAt,
  index,
  integer,
  oneOf,
  real,
  table,
  text,
  timestamp,
  uniqueIndex,
  updatedAt,
} from "./column-helpers";
import { apiKeys } from "./api-keys";
import { evaluators } from "./evaluators";
import { generations } from "./generations";
import { promptSets } from "./prompt-sets";
import { variants } from "./variants";

export const RUN_SOURCES = ["uploaded", "generated"] as const;
export const runSourceSchema = z.enum(RUN_SOURCES);
export type RunSource = z.infer<typeof runSourceSchema>;

/**
 * A replicate label: which trained copy of a variant (training seed, checkpoint) made a run. Runs
 * of a variant with the same label form one curve of the ranking (lib/ranking); unlabelled runs
 * form one replicate together.
 */
export const replicateSchema = z
  .string()
  .trim()
  .min(1)
  .max(100)
  .regex(/^[^\p{Cc}]+$/u, "must not contain control characters")
  .describe("Which trained copy of the variant made the run (a training seed or checkpoint label), e.g. seed-1");

/** generating: a generated run waiting for its samples (GPU workers); then queued → scoring → scored, or failed. */
export const RUN_STATUSES = ["generating", "queued", "scoring", "scored", "failed"] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const runs = table(
  "runs",
  {
    /** `run_<random>`; used in URLs. */
    id: text("id").primaryKey(),
    variantId: text("variant_id")
      .notNull()
      .references(() => variants.id),
    promptSetId: text("prompt_set_id")
      .notNull()
      .references(() => promptSets.id),
    guidanceScale: real("guidance_scale").notNull(),
    /**
     * Which trained copy of the variant made the run (a training seed or checkpoint label); null
     * for a variant with one. Runs of one replicate form one curve (lib/ranking).
     */
    replicate: text("replicate"),
    sampler: text("sampler"),
    steps: integer("steps"),
    seedPolicy: text("seed_policy"),
    source: text("source", { enum: RUN_SOURCES }).notNull(),
    status: text("status", { enum: RUN_STATUSES }).notNull().default("queued"),
    /** Samples with a stored score for `evaluatorId`; kept equal to that count by the scorer. */
    progressDone: integer("progress_done").notNull().default(0),
    progressTotal: integer("progress_total").notNull().default(0),
    /** Distinct images the scorer embedded, and distinct images it found in the embedding cache. */
    imagesEmbedded: integer("images_embedded").notNull().default(0),
    imageCacheHits: integer("image_cache_hits").notNull().default(0),
    /** Generated runs: samples stored by GPU workers, of the samples asked for (0 / 0 for uploads). */
    generatedDone: integer("generated_done").notNull().default(0),
    generatedTotal: integer("generated_total").notNull().default(0),
    /** The generation that made this run (source `generated`). */
    generationId: text("generation_id").references(() => generations.id),
    error: text("error"),
    evaluatorId: text("evaluator_id").references(() => evaluators.id),
    /** sha256 over variant, settings and the sorted (prompt, seed, image) list: detects re-uploads. */
    fingerprint: text("fingerprint").notNull(),
    isDemo: integer("is_demo", { mode: "boolean" }).notNull().default(false),
    /** The API key that created it; null for demo data and rows older than ownership. */
    apiKeyId: text("api_key_id").references(() => apiKeys.id),
    /** Set while hidden from rankings (still readable by id); the reason is shown to readers. */
    hiddenAt: timestamp("hidden_at"),
    hiddenReason: text("hidden_reason"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    startedAt: timestamp("started_at"),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [
    uniqueIndex("runs_fingerprint_uq").on(t.fingerprint),
    index("runs_created_at_idx").on(t.createdAt),
    index("runs_variant_created_idx").on(t.variantId, t.createdAt),
    index("runs_variant_replicate_idx").on(t.variantId, t.replicate),
    index("runs_prompt_set_created_idx").on(t.promptSetId, t.createdAt),
    index("runs_status_created_idx").on(t.status, t.createdAt),
    index("runs_generation_idx").on(t.generationId),
    check("runs_source_ck", oneOf(t.source, RUN_SOURCES)),
    check("runs_status_ck", oneOf(t.status, RUN_STATUSES)),
  ],
);

export type RunRow = typeof runs.$inferSelect;
export type NewRunRow = typeof runs.$inferInsert;

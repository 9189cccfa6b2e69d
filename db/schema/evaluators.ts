import { createdAt, integer, table, text } from "./column-helpers";

export const EVALUATOR_KINDS = ["clip", "image-features"] as const;

/**
 * Evaluators that produced stored scores (lib/clip/identity.ts). Kept so that pages can label
 * results (and warn about fixture models) without loading the model.
 */
// No CHECK on kind: adding one would make drizzle-kit rebuild the table; the enum types it.
export const evaluators = table("evaluators", {
  /** `<short name>@<digest>`: changes whenever any file that shapes a score changes. */
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  variant: text("variant").notNull(),
  isFixture: integer("is_fixture", { mode: "boolean" }).notNull(),
  files: text("files", { mode: "json" }).$type<{ path: string; sha256: string }[]>().notNull(),
  /** "clip" scores prompts and images; "image-features" (DINOv2, a user's Inception) serves distribution metrics only. */
  kind: text("kind", { enum: EVALUATOR_KINDS }).notNull().default("clip"),
  /** An image feature extractor's preprocessing recipe (lib/clip/feature-recipes.ts); null for a CLIP. */
  recipe: text("recipe"),
  createdAt: createdAt(),
});

export type EvaluatorRow = typeof evaluators.$inferSelect;
export type NewEvaluatorRow = typeof evaluators.$inferInsert;

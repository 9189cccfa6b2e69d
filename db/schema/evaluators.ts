import { createdAt, integer, table, text } from "./column-helpers";

/**
 * Evaluators that produced stored scores (lib/clip/identity.ts). Kept so that pages can label
 * results (and warn about fixture models) without loading the model.
 */
export const evaluators = table("evaluators", {
  /** `<short name>@<digest>`: changes whenever any file that shapes a score changes. */
  id: text("id").primaryKey(),
  name: text("name").notNull(),
  variant: text("variant").notNull(),
  isFixture: integer("is_fixture", { mode: "boolean" }).notNull(),
  files: text("files", { mode: "json" }).$type<{ path: string; sha256: string }[]>().notNull(),
  createdAt: createdAt(),
});

export type EvaluatorRow = typeof evaluators.$inferSelect;
export type NewEvaluatorRow = typeof evaluators.$inferInsert;

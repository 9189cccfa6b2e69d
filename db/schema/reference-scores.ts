import { index, integer, primaryKey, sqliteTable, text } from "drizzle-orm/sqlite-core";
import type { ReferenceMetrics } from "../../lib/reference-sets/reference-metrics";
import { nowMs } from "./column-helpers";
import { evaluators } from "./evaluators";
import { referenceSets } from "./reference-sets";
import { runs } from "./runs";

/** Distribution metrics of one run against one reference set, per evaluator (lib/reference-sets/score-run-against-references.ts). */
export const referenceScores = sqliteTable(
  "reference_scores",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    referenceSetId: text("reference_set_id")
      .notNull()
      .references(() => referenceSets.id, { onDelete: "cascade" }),
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id),
    metrics: text("metrics", { mode: "json" }).$type<ReferenceMetrics>().notNull(),
    computedAt: integer("computed_at", { mode: "timestamp_ms" }).notNull().default(nowMs),
  },
  (t) => [primaryKey({ columns: [t.runId, t.referenceSetId, t.evaluatorId] }), index("reference_scores_set_idx").on(t.referenceSetId)],
);

export type ReferenceScoreRow = typeof referenceScores.$inferSelect;

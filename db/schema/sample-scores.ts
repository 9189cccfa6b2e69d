import { createdAt, integer, primaryKey, real, table, text } from "./column-helpers";
import { evaluators } from "./evaluators";
import { samples } from "./samples";

/** The raw image–prompt cosine per sample and evaluator, or why the sample could not be scored. */
export const sampleScores = table(
  "sample_scores",
  {
    sampleId: integer("sample_id")
      .notNull()
      .references(() => samples.id, { onDelete: "cascade" }),
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id),
    cosine: real("cosine"),
    errorCode: text("error_code"),
    errorMessage: text("error_message"),
    /** Version of the per-sample quantity (SAMPLE_SCORE_VERSION in lib/runs/score-run.ts). */
    metricVersion: integer("metric_version").notNull(),
    createdAt: createdAt(),
  },
  (t) => [primaryKey({ columns: [t.sampleId, t.evaluatorId] })],
);

export type SampleScoreRow = typeof sampleScores.$inferSelect;
export type NewSampleScoreRow = typeof sampleScores.$inferInsert;

import { evaluators } from "./evaluators";
import { prompts } from "./prompts";
import { runs } from "./runs";
import { integer, primaryKey, real, table, text } from "./column-helpers";

/** Metric name → version, as registered in lib/metrics when the row was computed. */
export type MetricVersions = Record<string, number | string>;

export const promptScores = table(
  "prompt_scores",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    promptId: integer("prompt_id")
      .notNull()
      .references(() => prompts.id),
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id),
    n: integer("n").notNull(),
    failed: integer("failed").notNull(),
    /**
     * Sum of the raw cosines of the n − failed scored images, stored at scoring time so the
     * ranking need not re-aggregate sample_scores; null on rows scored before it existed.
     */
    cosSum: real("cos_sum"),
    /** Sum of their squares (the within-prompt spread, for the ranking's power calculator); null before method 3. */
    cosSqSum: real("cos_sq_sum"),
    clipScore: real("clip_score"),
    clipS: real("clip_s"),
    diversity: real("diversity"),
    diversityReason: text("diversity_reason"),
    vendi: real("vendi"),
    /** The prompt was cut to the evaluator's context length. */
    truncated: integer("truncated", { mode: "boolean" }).notNull().default(false),
    metricVersions: text("metric_versions", { mode: "json" }).$type<MetricVersions>().notNull(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.promptId, t.evaluatorId] })],
);

export type PromptScoreRow = typeof promptScores.$inferSelect;
export type NewPromptScoreRow = typeof promptScores.$inferInsert;

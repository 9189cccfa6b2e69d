import type { RunSummary } from "../../lib/metrics";
import { index, integer, nowMs, primaryKey, real, table, text } from "./column-helpers";
import { evaluators } from "./evaluators";
import type { MetricVersions } from "./prompt-scores";
import { runs } from "./runs";

export const runScores = table(
  "run_scores",
  {
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    evaluatorId: text("evaluator_id")
      .notNull()
      .references(() => evaluators.id),
    n: integer("n").notNull(),
    failed: integer("failed").notNull(),
    /** Distinct prompts. */
    groups: integer("groups").notNull(),
    clipScore: real("clip_score"),
    clipS: real("clip_s"),
    diversity: real("diversity"),
    vendi: real("vendi"),
    /** Prompts with at least 2 embedded samples: the ones diversity and Vendi average over. */
    diversityGroups: integer("diversity_groups").notNull(),
    truncatedPrompts: integer("truncated_prompts").notNull().default(0),
    ci: text("ci", { mode: "json" }).$type<RunSummary["ci"]>().notNull(),
    metricVersions: text("metric_versions", { mode: "json" }).$type<MetricVersions>().notNull(),
    computedAt: integer("computed_at", { mode: "timestamp_ms" }).notNull().default(nowMs),
  },
  (t) => [primaryKey({ columns: [t.runId, t.evaluatorId] }), index("run_scores_evaluator_idx").on(t.evaluatorId)],
);

export type RunScoreRow = typeof runScores.$inferSelect;
export type NewRunScoreRow = typeof runScores.$inferInsert;

import type { BootstrapResult } from "../../lib/metrics/bootstrap";
import type { PerPromptMean } from "../../lib/metrics/distribution";
import { index, integer, nowMs, primaryKey, table, text } from "./column-helpers";
import { evaluators } from "./evaluators";
import { referenceSets } from "./reference-sets";
import { runs } from "./runs";

/** The JSON of reference_scores.metrics: one run against one reference set (lib/reference-sets/reference-metrics.ts computes it). */
/**
 * A reference metric with its flag and interval. FD and CMMD intervals are bias-corrected
 * percentile intervals (lib/reference-sets/reference-metrics.ts): `bias` = mean of the resampled
 * values − the estimate; records written before that have neither field (plain percentiles).
 */
export type Flagged = {
  value: number | null;
  reliable: boolean;
  reason?: string;
  ci?: BootstrapResult & { method?: "bias-corrected percentile"; bias?: number };
};

export interface ReferenceMetrics {
  version: number;
  referenceSet: { id: string; name: string; version: number; perPrompt: boolean };
  /** The feature space: the CLIP evaluator, or an image feature extractor (kind, recipe). */
  evaluator: { id: string; name: string; kind?: "clip" | "image-features"; recipe?: string };
  /** `FD_<feature space>` (lib/clip/feature-space.ts): Fréchet distance in that space (not FID). */
  fdLabel: string;
  cmmdLabel: string;
  nGenerated: number;
  nReference: number;
  dim: number;
  k: { precisionRecall: number; densityCoverage: number };
  fd: Flagged;
  cmmd: Flagged;
  precision: Flagged;
  recall: Flagged;
  density: Flagged;
  coverage: Flagged;
  /** Set when the global metrics have no CI, saying why. */
  globalCiSkipped?: string;
  /** Means over prompts of the per-prompt metrics (reference sets tied to the run's prompt set). */
  perPrompt: null | {
    prompts: number;
    recall: PerPromptMean;
    coverage: PerPromptMean;
    precision: PerPromptMean;
    density: PerPromptMean;
    /** Per prompt (key = the prompt's row id): what the leaderboard ranks on when its diversity axis is switched. */
    rows: {
      key: string;
      n: number;
      recall: number | null;
      coverage: number | null;
      precision: number | null;
      density: number | null;
    }[];
  };
  backend: "typescript" | "onnx";
  seconds: number;
}

/** Distribution metrics of one run against one reference set, per evaluator (lib/reference-sets/score-run-against-references.ts). */
export const referenceScores = table(
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
  (t) => [
    primaryKey({ columns: [t.runId, t.referenceSetId, t.evaluatorId] }),
    index("reference_scores_set_idx").on(t.referenceSetId),
  ],
);

export type ReferenceScoreRow = typeof referenceScores.$inferSelect;

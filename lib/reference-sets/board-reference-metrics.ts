// The leaderboard's secondary view of reference metrics: for one prompt set and one evaluator, each
// scored run's pairwise diversity (with its CI) beside a picked distribution metric against each
// applicable reference set (with its CI where one exists). Also the rows of the export
// (GET /api/v1/reference-metrics, JSON or CSV). The primary ranking is untouched (lib/ranking).
import { and, asc, desc, eq } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { evaluators, referenceScores, referenceSets, runScores, runs, variants } from "../../db/schema";
import { AppError } from "../core/errors";
import { findPromptSetOrThrow } from "../prompt-sets/get-prompt-set-or-throw";
import { assertOneFeatureSpace, type ReferenceMetrics } from "./reference-metrics";
import { distributionLabel, featureSpaceName } from "../clip/feature-space";
import { decimalNumber } from "../core/decimal-number";

export const BOARD_REFERENCE_METRICS = ["recall", "coverage", "precision", "density", "fd", "cmmd"] as const;
export type BoardReferenceMetric = (typeof BOARD_REFERENCE_METRICS)[number];

export type BoardReferenceRow = {
  /** The evaluator whose embeddings the metrics compare (its id). */
  evaluator: string;
  referenceSetId: string;
  referenceSet: string;
  referenceVersion: number;
  variantId: string;
  variant: string;
  runId: string;
  guidanceScale: number;
  replicate: string | null;
  diversity: number | null;
  diversityLow: number | null;
  diversityHigh: number | null;
  /** The picked metric: per-prompt mean (recall, coverage, precision, density of tied sets) or the global value. */
  metric: BoardReferenceMetric;
  /** The metric's label with its evaluator and convention (FD_<evaluator>, CMMD_<evaluator> ×1000 σ = 10, …). */
  label: string;
  value: number | null;
  low: number | null;
  high: number | null;
  /** "per-prompt mean" or "global". */
  level: "per-prompt mean" | "global";
  reliable: boolean;
  reason: string | null;
  nGenerated: number;
  nReference: number;
};

/** The picked metric of one result: tied sets give the per-prompt mean with its CI for k-NN metrics. */
export function pickReferenceMetric(
  m: ReferenceMetrics,
  metric: BoardReferenceMetric,
): Pick<BoardReferenceRow, "value" | "low" | "high" | "level" | "reliable" | "reason"> {
  if (metric !== "fd" && metric !== "cmmd" && m.perPrompt) {
    const mean = m.perPrompt[metric].mean;
    return {
      value: mean?.estimate ?? null,
      low: mean?.low ?? null,
      high: mean?.high ?? null,
      level: "per-prompt mean",
      reliable: mean !== null,
      reason: mean ? null : "no prompt has enough images",
    };
  }
  const f = m[metric];
  return {
    value: f.value,
    low: f.ci?.low ?? null,
    high: f.ci?.high ?? null,
    level: "global",
    reliable: f.reliable,
    reason: f.reason ?? null,
  };
}

/** A metric's label as every page and export prints it: with the evaluator and the convention. */
export function referenceMetricLabel(
  m: Pick<ReferenceMetrics, "evaluator" | "fdLabel" | "cmmdLabel">,
  metric: BoardReferenceMetric,
): string {
  if (metric === "fd") return m.fdLabel ?? distributionLabel("FD", m.evaluator);
  if (metric === "cmmd") return `${m.cmmdLabel ?? distributionLabel("CMMD", m.evaluator)} (×1000, σ = 10)`;
  return `${metric} (${m.evaluator.name})`;
}

/**
 * Rows ordered by reference set, variant and guidance scale; [] when no run has reference metrics.
 * Diversity is `evaluatorId`'s; the distribution metric is in `featureSpace` (default: the same
 * evaluator's space; or an image feature extractor's, e.g. DINOv2).
 */
export function boardReferenceMetrics(
  promptSetId: string,
  evaluatorId: string,
  metric: BoardReferenceMetric,
  opts: { includeDemo?: boolean; featureSpace?: string } = {},
): BoardReferenceRow[] {
  const rows = getDb()
    .select({
      refId: referenceSets.id,
      refName: referenceSets.name,
      refVersion: referenceSets.version,
      variantId: variants.id,
      variant: variants.name,
      runId: runs.id,
      guidanceScale: runs.guidanceScale,
      replicate: runs.replicate,
      isDemo: runs.isDemo,
      diversity: runScores.diversity,
      ci: runScores.ci,
      metrics: referenceScores.metrics,
    })
    .from(referenceScores)
    .innerJoin(runs, eq(runs.id, referenceScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .innerJoin(referenceSets, eq(referenceSets.id, referenceScores.referenceSetId))
    .innerJoin(runScores, and(eq(runScores.runId, runs.id), eq(runScores.evaluatorId, evaluatorId)))
    .where(
      and(
        eq(runs.promptSetId, promptSetId),
        eq(referenceScores.evaluatorId, opts.featureSpace ?? evaluatorId),
        eq(runs.status, "scored"),
      ),
    )
    .orderBy(asc(referenceSets.name), asc(referenceSets.version), asc(variants.name), asc(runs.guidanceScale))
    .all();
  return rows
    .filter((r) => opts.includeDemo !== false || !r.isDemo)
    .map((r) => ({
      evaluator: evaluatorId,
      referenceSetId: r.refId,
      referenceSet: r.refName,
      referenceVersion: r.refVersion,
      variantId: r.variantId,
      variant: r.variant,
      runId: r.runId,
      guidanceScale: r.guidanceScale,
      replicate: r.replicate,
      diversity: r.diversity,
      diversityLow: r.ci.diversity?.low ?? null,
      diversityHigh: r.ci.diversity?.high ?? null,
      metric,
      label: referenceMetricLabel(r.metrics, metric),
      ...pickReferenceMetric(r.metrics, metric),
      nGenerated: r.metrics.nGenerated,
      nReference: r.metrics.nReference,
    }));
}

export const boardReferenceQuerySchema = z.object({
  promptSet: z.string().trim().min(1).max(200).meta({ description: "Prompt set name or id." }),
  version: decimalNumber((n) => n.int().min(1)).optional(),
  evaluator: z.string().max(200).optional().meta({
    description:
      "Evaluator (CLIP) id whose diversity is shown; default: the one that last scored a run of this prompt set against a reference set.",
  }),
  featureSpace: z.string().max(200).optional().meta({
    description:
      "Evaluator id of the feature space the distribution metric is computed in: an image feature extractor (e.g. DINOv2 under dgm-eval) or the evaluator itself (the default).",
  }),
  metric: z.enum(BOARD_REFERENCE_METRICS).default("recall"),
  includeDemo: z.enum(["true", "false"]).default("true"),
  format: z.enum(["csv", "json"]).default("json"),
});
export type BoardReferenceQuery = z.output<typeof boardReferenceQuerySchema>;

/** Resolves the prompt set and the evaluator (404 when either is unknown, as the leaderboard export does), then boardReferenceMetrics(). */
export function getBoardReferenceMetrics(q: Omit<BoardReferenceQuery, "format">): {
  promptSet: { id: string; name: string; version: number };
  evaluatorId: string | null;
  /** The feature space of the distribution metric, with its label ("FD_dinov2-l-14 (dgm-eval)" comes from it). */
  featureSpace: { id: string; label: string; kind: "clip" | "image-features" } | null;
  /** The evaluator's name (the labels' FD_<name>). */
  evaluatorName: string | null;
  metric: BoardReferenceMetric;
  rows: BoardReferenceRow[];
} {
  const db = getDb();
  const set = findPromptSetOrThrow(db, q.promptSet, q.version);
  if (
    q.evaluator !== undefined &&
    !db.select({ id: evaluators.id }).from(evaluators).where(eq(evaluators.id, q.evaluator)).get()
  ) {
    throw new AppError(
      "not_found",
      `no evaluator "${q.evaluator}" has scored anything on this server; GET /api/v1/leaderboard?promptSet=${set.name} lists the evaluators of this prompt set`,
    );
  }
  const evaluatorId =
    q.evaluator ??
    db
      .select({ id: referenceScores.evaluatorId })
      .from(referenceScores)
      .innerJoin(runs, eq(runs.id, referenceScores.runId))
      .innerJoin(evaluators, eq(evaluators.id, referenceScores.evaluatorId))
      .where(and(eq(runs.promptSetId, set.id), eq(evaluators.kind, "clip")))
      .orderBy(desc(referenceScores.computedAt))
      .limit(1)
      .get()?.id ??
    null;
  let featureSpace: { id: string; label: string; kind: "clip" | "image-features" } | null = null;
  const spaceId = q.featureSpace ?? evaluatorId;
  if (spaceId) {
    const row = db
      .select({ id: evaluators.id, name: evaluators.name, kind: evaluators.kind, recipe: evaluators.recipe })
      .from(evaluators)
      .where(eq(evaluators.id, spaceId))
      .get();
    if (!row) throw new AppError("not_found", `no feature space "${spaceId}" has been computed on this server`);
    // Diversity of one CLIP beside distribution metrics of another would mix two CLIP evaluators.
    if (row.kind === "clip" && evaluatorId && row.id !== evaluatorId) assertOneFeatureSpace(evaluatorId, row.id);
    featureSpace = { id: row.id, label: featureSpaceName(row), kind: row.kind };
  }
  const rows = evaluatorId
    ? boardReferenceMetrics(set.id, evaluatorId, q.metric, {
        includeDemo: q.includeDemo === "true",
        featureSpace: q.featureSpace,
      })
    : [];
  const evaluatorName = evaluatorId
    ? (db.select({ name: evaluators.name }).from(evaluators).where(eq(evaluators.id, evaluatorId)).get()?.name ?? null)
    : null;
  return {
    promptSet: { id: set.id, name: set.name, version: set.version },
    evaluatorId,
    featureSpace,
    evaluatorName,
    metric: q.metric,
    rows,
  };
}

/** The image feature spaces some run of this prompt set was compared in, with their labels ("dinov2-l-14 (dgm-eval)"). */
export function imageFeatureSpaces(promptSetId: string): { id: string; label: string }[] {
  return getDb()
    .selectDistinct({ id: evaluators.id, name: evaluators.name, kind: evaluators.kind, recipe: evaluators.recipe })
    .from(referenceScores)
    .innerJoin(runs, eq(runs.id, referenceScores.runId))
    .innerJoin(evaluators, eq(evaluators.id, referenceScores.evaluatorId))
    .where(and(eq(runs.promptSetId, promptSetId), eq(evaluators.kind, "image-features")))
    .orderBy(asc(evaluators.id))
    .all()
    .map((e) => ({ id: e.id, label: featureSpaceName(e) }));
}

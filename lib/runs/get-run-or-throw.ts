// One run as the API and pages show it: settings, status and progress, the evaluator, the
// run-level metrics with bootstrap intervals, the per-prompt table and the per-sample errors.
import { and, asc, eq, isNotNull, sql } from "drizzle-orm";
import {
  listRunFeatureSpaceMetrics,
  listRunReferenceMetrics,
  type FeatureSpaceMetrics,
  type RunReferenceMetrics,
} from "../reference-sets/list-run-reference-metrics";
import { getDb } from "../../db/client";
import {
  apiKeys,
  evaluators,
  promptScores,
  prompts,
  promptSets,
  runScores,
  runs,
  sampleScores,
  samples,
  variants,
  type RunRow,
  type RunScoreRow,
} from "../../db/schema";
import { conventionLabel } from "../clip/catalogue";
import { evaluatorWarning } from "../clip/identity";
import { AppError } from "../core/errors";
import { metricLabels } from "../scoring/score-batch";
import { runProvenance, type RunProvenance } from "./run-provenance";

export type EvaluatorSummary = {
  id: string;
  name: string;
  variant: string;
  isFixture: boolean;
  warning?: string;
  /** Which published numbers it matches, for catalogue models: "ViT-L/14 — torchmetrics CLIPScore default, HEIM". */
  convention?: string;
};

export type RunView = Omit<
  RunRow,
  | "variantId"
  | "promptSetId"
  | "evaluatorId"
  | "fingerprint"
  | "progressDone"
  | "progressTotal"
  | "imagesEmbedded"
  | "imageCacheHits"
  | "generatedDone"
  | "generatedTotal"
  | "generationId"
  | "apiKeyId"
  | "hiddenAt"
  | "hiddenReason"
> & {
  /** The API key that created the run (null: demo or older data). */
  owner: { keyId: string; name: string } | null;
  /** Hidden from rankings (the run itself stays readable), with the reason shown to readers; a hidden variant hides its runs too. */
  hidden: { at: Date; reason: string | null; by: "run" | "variant" } | null;
  /** Generated runs: engine, model, worker, and the generation's settings. */
  provenance: RunProvenance | null;
  variant: { id: string; name: string; conditioningType: string; hidden: boolean };
  promptSet: { id: string; name: string; version: number; isImplicit: boolean };
  /** Scoring progress. */
  progress: { done: number; total: number; imagesEmbedded: number; imageCacheHits: number };
  /** Generated runs: the generation that makes the samples and how many of them are stored so far. */
  generation: { id: string; done: number; total: number } | null;
  evaluator: EvaluatorSummary | null;
};

export type PromptMetrics = {
  promptId: string;
  prompt: string;
  category: string | null;
  n: number;
  failed: number;
  /** Sum of the raw cosines of the n − failed scored images (null for rows scored before it was stored). */
  cosSum: number | null;
  clipScore: number | null;
  clipS: number | null;
  diversity: number | null;
  diversityReason: string | null;
  vendi: number | null;
  truncated: boolean;
};

export type SampleError = { sampleId: number; fileName: string; promptId: string; code: string; message: string };

export type RunDetail = RunView & {
  metrics: {
    evaluatorId: string;
    labels: ReturnType<typeof metricLabels>;
    run: Omit<RunScoreRow, "runId" | "evaluatorId">;
    prompts: PromptMetrics[];
    /** Distribution metrics against each applicable reference set (lib/reference-sets). */
    reference: RunReferenceMetrics[];
    /** The same in each image feature space the run was compared in (T2I_FEATURE_EXTRACTORS), labelled. */
    featureSpaces: FeatureSpaceMetrics[];
  } | null;
  errors: SampleError[];
  /** Samples that could not be scored, all of them (`errors` may hold only the first maxErrors). */
  errorCount: number;
};

export function evaluatorSummary(row: {
  id: string;
  name: string;
  variant: string;
  isFixture: boolean;
}): EvaluatorSummary {
  const base = { id: row.id, name: row.name, variant: row.variant, isFixture: row.isFixture };
  const warning = evaluatorWarning(row);
  const convention = conventionLabel(row.name);
  return { ...base, ...(warning ? { warning } : {}), ...(convention ? { convention } : {}) };
}

/**
 * `evaluatorId` picks whose scores to show; default: the evaluator that last scored the run.
 * `promptRows: false` leaves `metrics.prompts` empty and `maxErrors` keeps the first errors only:
 * the run page reads its prompts a page at a time (run-prompts-page.ts), not the whole run.
 */
export function getRunOrThrow(
  id: string,
  opts: { evaluatorId?: string; promptRows?: boolean; maxErrors?: number } = {},
): RunDetail {
  const db = getDb();
  const row = db
    .select({ run: runs, variant: variants, promptSet: promptSets, owner: apiKeys })
    .from(runs)
    .leftJoin(apiKeys, eq(apiKeys.id, runs.apiKeyId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .innerJoin(promptSets, eq(promptSets.id, runs.promptSetId))
    .where(eq(runs.id, id))
    .get();
  if (!row) throw new AppError("not_found", `no run with id "${id}"`);
  const { run, variant, promptSet, owner } = row;
  const evaluatorId = opts.evaluatorId ?? run.evaluatorId;
  const evaluator = evaluatorId ? db.select().from(evaluators).where(eq(evaluators.id, evaluatorId)).get() : undefined;
  if (opts.evaluatorId && !evaluator) throw new AppError("not_found", `no evaluator "${opts.evaluatorId}"`);

  const view: RunView = {
    id: run.id,
    status: run.status,
    source: run.source,
    guidanceScale: run.guidanceScale,
    replicate: run.replicate,
    sampler: run.sampler,
    steps: run.steps,
    seedPolicy: run.seedPolicy,
    error: run.error,
    isDemo: run.isDemo,
    createdAt: run.createdAt,
    updatedAt: run.updatedAt,
    startedAt: run.startedAt,
    finishedAt: run.finishedAt,
    variant: {
      id: variant.id,
      name: variant.name,
      conditioningType: variant.conditioningType,
      hidden: variant.hiddenAt !== null,
    },
    owner: owner ? { keyId: owner.id, name: owner.name } : null,
    hidden: run.hiddenAt
      ? { at: run.hiddenAt, reason: run.hiddenReason, by: "run" }
      : variant.hiddenAt
        ? { at: variant.hiddenAt, reason: variant.hiddenReason, by: "variant" }
        : null,
    provenance: runProvenance(db, run),
    promptSet: { id: promptSet.id, name: promptSet.name, version: promptSet.version, isImplicit: promptSet.isImplicit },
    progress: {
      done: run.progressDone,
      total: run.progressTotal,
      imagesEmbedded: run.imagesEmbedded,
      imageCacheHits: run.imageCacheHits,
    },
    generation: run.generationId ? { id: run.generationId, done: run.generatedDone, total: run.generatedTotal } : null,
    evaluator: evaluator ? evaluatorSummary(evaluator) : null,
  };
  if (!evaluator) return { ...view, metrics: null, errors: [], errorCount: 0 };

  const failedWhere = and(
    eq(samples.runId, id),
    eq(sampleScores.evaluatorId, evaluator.id),
    isNotNull(sampleScores.errorCode),
  );
  const errorQuery = db
    .select({
      sampleId: samples.id,
      fileName: samples.fileName,
      promptId: prompts.promptKey,
      code: sampleScores.errorCode,
      message: sampleScores.errorMessage,
    })
    .from(sampleScores)
    .innerJoin(samples, eq(samples.id, sampleScores.sampleId))
    .innerJoin(prompts, eq(prompts.id, samples.promptId))
    .where(failedWhere)
    .orderBy(asc(samples.id));
  const errors = (opts.maxErrors === undefined ? errorQuery.all() : errorQuery.limit(opts.maxErrors).all()).map(
    (e) => ({ ...e, code: e.code!, message: e.message ?? "" }),
  );
  const errorCount =
    opts.maxErrors === undefined || errors.length < opts.maxErrors
      ? errors.length
      : db
          .select({ n: sql<number>`count(*)` })
          .from(sampleScores)
          .innerJoin(samples, eq(samples.id, sampleScores.sampleId))
          .where(failedWhere)
          .get()!.n;

  const runScore = db
    .select()
    .from(runScores)
    .where(and(eq(runScores.runId, id), eq(runScores.evaluatorId, evaluator.id)))
    .get();
  if (!runScore) return { ...view, metrics: null, errors, errorCount };

  const promptRows =
    opts.promptRows === false
      ? []
      : db
          .select({
            promptId: prompts.promptKey,
            prompt: prompts.text,
            category: prompts.category,
            n: promptScores.n,
            failed: promptScores.failed,
            cosSum: promptScores.cosSum,
            clipScore: promptScores.clipScore,
            clipS: promptScores.clipS,
            diversity: promptScores.diversity,
            diversityReason: promptScores.diversityReason,
            vendi: promptScores.vendi,
            truncated: promptScores.truncated,
          })
          .from(promptScores)
          .innerJoin(prompts, eq(prompts.id, promptScores.promptId))
          .where(and(eq(promptScores.runId, id), eq(promptScores.evaluatorId, evaluator.id)))
          .orderBy(asc(prompts.position))
          .all();

  const { runId: _r, evaluatorId: _e, ...metrics } = runScore;
  return {
    ...view,
    metrics: {
      evaluatorId: evaluator.id,
      labels: metricLabels(),
      run: metrics,
      prompts: promptRows,
      reference: listRunReferenceMetrics(id, evaluator.id),
      featureSpaces: listRunFeatureSpaceMetrics(id),
    },
    errors,
    errorCount,
  };
}

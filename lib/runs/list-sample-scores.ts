// A run's per-sample scores, one page at a time, in upload order: file, prompt, seed, the raw
// image–prompt cosine and the sample's CLIP score (100·cos, torchmetrics' per-sample value,
// before any clamping), whether the prompt was cut to CLIP's 77 tokens, and the error of a
// sample that could not be scored.
import { and, asc, eq, sql } from "drizzle-orm";
import { z } from "zod";
import { getDb } from "../../db/client";
import { prompts, promptScores, runs, sampleScores, samples, variants } from "../../db/schema";
import { AppError, validationError } from "../core/errors";
import { decimalNumber } from "../core/decimal-number";

export const sampleScoresQuerySchema = z.object({
  evaluator: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "Evaluator id; default: the one that last scored the run." }),
  limit: decimalNumber((n) => n.int().min(1).max(5000))
    .default(500)
    .meta({ description: "Samples per page (JSON); CSV holds every sample." }),
  offset: decimalNumber((n) => n.int().min(0)).default(0),
  format: z.enum(["json", "csv"]).default("json"),
});
export type SampleScoresQuery = z.input<typeof sampleScoresQuerySchema>;

export type SampleScore = {
  file: string;
  promptId: string;
  prompt: string;
  seed: number | null;
  sampleIndex: number;
  imageSha256: string;
  cosine: number | null;
  /** 100·cosine (unclamped per sample; the run's aggregate clamps the mean at 0). */
  clipScore: number | null;
  truncated: boolean;
  error: string | null;
};

export type SampleScoresPage = {
  runId: string;
  evaluatorId: string | null;
  /** The run's variant, guidance scale and replicate: the CSV repeats them on every row so files of several runs concatenate. */
  variant: string;
  guidanceScale: number;
  replicate: string | null;
  total: number;
  limit: number;
  offset: number;
  next: string | null;
  samples: SampleScore[];
};

/**
 * One page of the run's samples with their scores from `evaluator` (default: the evaluator
 * that last scored it; none yet → null scores). `limit: null` returns every sample.
 * Throws 404 for an unknown run, 422 for bad paging.
 */
export function listSampleScores(
  runId: string,
  input: Omit<SampleScoresQuery, "format"> & { all?: boolean } = {},
): SampleScoresPage {
  const parsed = sampleScoresQuerySchema.omit({ format: true }).safeParse(input);
  if (!parsed.success) throw validationError(parsed.error, "query");
  const q = parsed.data;
  const db = getDb();
  const run = db
    .select({
      id: runs.id,
      evaluatorId: runs.evaluatorId,
      variant: variants.name,
      guidanceScale: runs.guidanceScale,
      replicate: runs.replicate,
    })
    .from(runs)
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(eq(runs.id, runId))
    .get();
  if (!run) throw new AppError("not_found", `no run with id "${runId}"`);
  const evaluatorId = q.evaluator ?? run.evaluatorId ?? null;
  const total = db
    .select({ n: sql<number>`count(*)` })
    .from(samples)
    .where(eq(samples.runId, runId))
    .get()!.n;
  const base = db
    .select({
      file: samples.fileName,
      promptId: prompts.promptKey,
      prompt: prompts.text,
      seed: samples.seed,
      sampleIndex: samples.sampleIndex,
      imageSha256: samples.imageSha256,
      cosine: sampleScores.cosine,
      truncated: promptScores.truncated,
      errorCode: sampleScores.errorCode,
      errorMessage: sampleScores.errorMessage,
    })
    .from(samples)
    .innerJoin(prompts, eq(prompts.id, samples.promptId))
    .leftJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evaluatorId ?? "")))
    .leftJoin(
      promptScores,
      and(
        eq(promptScores.runId, samples.runId),
        eq(promptScores.promptId, samples.promptId),
        eq(promptScores.evaluatorId, evaluatorId ?? ""),
      ),
    )
    .where(eq(samples.runId, runId))
    .orderBy(asc(samples.id));
  const rows = input.all ? base.all() : base.limit(q.limit).offset(q.offset).all();
  const limit = input.all ? total : q.limit;
  const offset = input.all ? 0 : q.offset;
  const nextOffset = offset + rows.length;
  const params = (o: number) =>
    new URLSearchParams({
      ...(q.evaluator ? { evaluator: q.evaluator } : {}),
      limit: String(limit),
      offset: String(o),
    }).toString();
  return {
    runId,
    evaluatorId,
    variant: run.variant,
    guidanceScale: run.guidanceScale,
    replicate: run.replicate,
    total,
    limit,
    offset,
    next: !input.all && nextOffset < total ? `/api/v1/runs/${runId}/samples?${params(nextOffset)}` : null,
    samples: rows.map((r) => ({
      file: r.file,
      promptId: r.promptId,
      prompt: r.prompt,
      seed: r.seed,
      sampleIndex: r.sampleIndex,
      imageSha256: r.imageSha256,
      cosine: r.cosine,
      clipScore: r.cosine === null ? null : 100 * r.cosine,
      truncated: r.truncated ?? false,
      error: r.errorCode ? `${r.errorCode}: ${r.errorMessage ?? ""}` : null,
    })),
  };
}

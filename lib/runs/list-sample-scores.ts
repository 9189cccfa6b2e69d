// A run's per-sample scores, one page at a time, in upload order: file, prompt, seed, the raw
// image–prompt cosine and the sample's CLIP score (100·cos, torchmetrics' per-sample value,
// before any clamping), whether the prompt was cut to CLIP's 77 tokens, and the error of a
// sample that could not be scored.
import { and, asc, eq, gt, sql } from "drizzle-orm";
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

/** Rows per batch of a streamed export: a batch of 10,000-character prompts is about 1 MB, so five parallel exports leave the request thread free every few tens of ms. */
export const SAMPLE_BATCH = 100;

export type SampleScoresStream = {
  head: Omit<SampleScoresPage, "samples">;
  /** The next batch of rows (at most SAMPLE_BATCH), [] at the end of the page (or the run, with `all`). */
  next: () => SampleScore[];
};

/**
 * The run's samples with their scores from `evaluator` (default: the evaluator that last scored
 * it; none yet → null scores), one page (`limit`, `offset`) or all of them (`all`), read a batch at
 * a time in upload order (keyset on the sample id, so each batch is one short query and nothing is
 * held open between batches). Throws 404 for an unknown run, 422 for bad paging.
 */
export function sampleScoresStream(
  runId: string,
  input: Omit<SampleScoresQuery, "format"> & { all?: boolean } = {},
): SampleScoresStream {
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
  const limit = input.all ? total : q.limit;
  const offset = input.all ? 0 : q.offset;
  const pageRows = Math.max(0, Math.min(limit, total - offset));
  const nextOffset = offset + pageRows;
  const params = (o: number) =>
    new URLSearchParams({
      ...(q.evaluator ? { evaluator: q.evaluator } : {}),
      limit: String(limit),
      offset: String(o),
    }).toString();
  let left = pageRows;
  let afterId: number | undefined;
  const next = (): SampleScore[] => {
    if (left <= 0) return [];
    const rows = db
      .select({
        id: samples.id,
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
      .leftJoin(
        sampleScores,
        and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, evaluatorId ?? "")),
      )
      .leftJoin(
        promptScores,
        and(
          eq(promptScores.runId, samples.runId),
          eq(promptScores.promptId, samples.promptId),
          eq(promptScores.evaluatorId, evaluatorId ?? ""),
        ),
      )
      .where(and(eq(samples.runId, runId), afterId === undefined ? undefined : gt(samples.id, afterId)))
      .orderBy(asc(samples.id))
      .limit(Math.min(SAMPLE_BATCH, left))
      .offset(afterId === undefined ? offset : 0)
      .all();
    left = rows.length === 0 ? 0 : left - rows.length;
    afterId = rows.at(-1)?.id ?? afterId;
    return rows.map((r) => ({
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
    }));
  };
  return {
    head: {
      runId,
      evaluatorId,
      variant: run.variant,
      guidanceScale: run.guidanceScale,
      replicate: run.replicate,
      total,
      limit,
      offset,
      next: !input.all && nextOffset < total ? `/api/v1/runs/${runId}/samples?${params(nextOffset)}` : null,
    },
    next,
  };
}

/** One page (or, with `all`, every sample) collected: sampleScoresStream's rows in one array. */
export function listSampleScores(
  runId: string,
  input: Omit<SampleScoresQuery, "format"> & { all?: boolean } = {},
): SampleScoresPage {
  const stream = sampleScoresStream(runId, input);
  const out: SampleScore[] = [];
  for (let batch = stream.next(); batch.length; batch = stream.next()) out.push(...batch);
  return { ...stream.head, samples: out };
}

// One prompt's samples in each of several runs, with their CLIP scores and the prompt's
// per-run diversity: what the side-by-side views (prompt view, variant grid) show.
import { and, asc, desc, eq, gt, inArray, lt, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import { prompts, promptScores, sampleScores, samples } from "../../db/schema";
import { AppError } from "../core/errors";

export type PromptSample = {
  sha256: string;
  fileName: string;
  seed: number | null;
  sampleIndex: number;
  cosine: number | null;
  clipScore: number | null;
};

export type RunPromptSamples = {
  runId: string;
  /** The prompt's pairwise diversity in this run (prompt_scores), null with < 2 scored samples or no scores. */
  diversity: number | null;
  /** The prompt's CLIPScore in this run (mean of 100·cos, clamped at 0). */
  clipScore: number | null;
  samples: PromptSample[];
};

export type PromptRef = { id: number; promptKey: string; text: string; position: number };

/** A prompt of a prompt set by its key (the manifest's prompt_id, or the generated key); 404 when absent. */
export function getPromptOrThrow(promptSetId: string, promptKey: string): PromptRef {
  const row = getDb()
    .select({ id: prompts.id, promptKey: prompts.promptKey, text: prompts.text, position: prompts.position })
    .from(prompts)
    .where(and(eq(prompts.promptSetId, promptSetId), eq(prompts.promptKey, promptKey)))
    .get();
  if (!row) throw new AppError("not_found", `no prompt "${promptKey}" in this prompt set`);
  return row;
}

/**
 * Where a prompt sits in its set, for the previous / next links: its index, the set's size and
 * its neighbours' keys. Reads three rows, not the set (1,990 prompts of 10,000 characters would
 * be 20 MB per page view).
 */
export function promptNeighbours(
  prompt: PromptRef,
  promptSetId: string,
): { index: number; total: number; prev: string | null; next: string | null } {
  const db = getDb();
  const inSet = eq(prompts.promptSetId, promptSetId);
  const count = (where?: ReturnType<typeof eq>) =>
    db
      .select({ n: sql<number>`count(*)` })
      .from(prompts)
      .where(where ? and(inSet, where) : inSet)
      .get()!.n;
  const key = (where: ReturnType<typeof eq>, order: ReturnType<typeof asc>) =>
    db.select({ key: prompts.promptKey }).from(prompts).where(and(inSet, where)).orderBy(order).limit(1).get()?.key ??
    null;
  return {
    index: count(lt(prompts.position, prompt.position)),
    total: count(),
    prev: key(lt(prompts.position, prompt.position), desc(prompts.position)),
    next: key(gt(prompts.position, prompt.position), asc(prompts.position)),
  };
}

/** The prompt set's first prompt (the side-by-side views' starting point), without reading the others. */
export function firstPrompt(promptSetId: string): PromptRef | undefined {
  return getDb()
    .select({ id: prompts.id, promptKey: prompts.promptKey, text: prompts.text, position: prompts.position })
    .from(prompts)
    .where(eq(prompts.promptSetId, promptSetId))
    .orderBy(asc(prompts.position))
    .limit(1)
    .get();
}

/** The prompt set's prompts in order (for the prompt pickers). */
export function listPrompts(promptSetId: string): PromptRef[] {
  return getDb()
    .select({ id: prompts.id, promptKey: prompts.promptKey, text: prompts.text, position: prompts.position })
    .from(prompts)
    .where(eq(prompts.promptSetId, promptSetId))
    .orderBy(asc(prompts.position))
    .all();
}

/**
 * For each of `runIds` (in that order): the prompt's samples (upload order, at most
 * `perRun`), each with its CLIP score 100·cos from `evaluatorId`, and the prompt's diversity
 * and CLIPScore in that run. Runs without samples of the prompt get an empty list.
 */
export function listPromptSamples(
  runIds: string[],
  promptId: number,
  evaluatorId: string | null,
  opts: { perRun?: number } = {},
): RunPromptSamples[] {
  if (runIds.length === 0) return [];
  const perRun = opts.perRun ?? 16;
  const db = getDb();
  const ev = evaluatorId ?? "";
  const rows = db
    .select({
      runId: samples.runId,
      sha256: samples.imageSha256,
      fileName: samples.fileName,
      seed: samples.seed,
      sampleIndex: samples.sampleIndex,
      cosine: sampleScores.cosine,
    })
    .from(samples)
    .leftJoin(sampleScores, and(eq(sampleScores.sampleId, samples.id), eq(sampleScores.evaluatorId, ev)))
    .where(and(inArray(samples.runId, runIds), eq(samples.promptId, promptId)))
    .orderBy(asc(samples.id))
    .all();
  const stats = db
    .select({ runId: promptScores.runId, diversity: promptScores.diversity, clipScore: promptScores.clipScore })
    .from(promptScores)
    .where(
      and(inArray(promptScores.runId, runIds), eq(promptScores.promptId, promptId), eq(promptScores.evaluatorId, ev)),
    )
    .all();
  const statOf = new Map(stats.map((s) => [s.runId, s]));
  return runIds.map((runId) => ({
    runId,
    diversity: statOf.get(runId)?.diversity ?? null,
    clipScore: statOf.get(runId)?.clipScore ?? null,
    samples: rows
      .filter((r) => r.runId === runId)
      .slice(0, perRun)
      .map((r) => ({
        sha256: r.sha256,
        fileName: r.fileName,
        seed: r.seed,
        sampleIndex: r.sampleIndex,
        cosine: r.cosine,
        clipScore: r.cosine === null ? null : 100 * r.cosine,
      })),
  }));
}

// One reference set (by id, or by name: latest version unless one is given) with its images per prompt
// and the runs scored against it.
import { and, asc, desc, eq, or, sql } from "drizzle-orm";
import { getDb } from "../../db/client";
import {
  promptSets,
  prompts,
  referenceImages,
  referenceScores,
  referenceSets,
  runs,
  variants,
  type ReferenceSetRow,
} from "../../db/schema";
import { AppError } from "../core/errors";
import type { ReferenceMetrics } from "./reference-metrics";

export type ReferenceSetDetail = ReferenceSetRow & {
  promptSet: { id: string; name: string; version: number } | null;
  imageCount: number;
  /** Tied sets: images per prompt, in prompt order. Global sets: empty. */
  prompts: { promptId: string; prompt: string; images: number }[];
  /** First 200 images (sha256 for /api/v1/images/{sha256}). */
  images: { fileName: string; sha256: string; promptId: string | null }[];
  scores: { runId: string; variant: string; guidanceScale: number; evaluatorId: string; metrics: ReferenceMetrics }[];
};

/** Throws AppError not_found. */
export function getReferenceSetOrThrow(nameOrId: string, version?: number): ReferenceSetDetail {
  const db = getDb();
  const set = db
    .select()
    .from(referenceSets)
    .where(
      version === undefined
        ? or(eq(referenceSets.id, nameOrId), eq(referenceSets.name, nameOrId))
        : and(eq(referenceSets.name, nameOrId), eq(referenceSets.version, version)),
    )
    .orderBy(desc(referenceSets.version))
    .limit(1)
    .get();
  if (!set)
    throw new AppError(
      "not_found",
      `no reference set "${nameOrId}"${version === undefined ? "" : ` version ${version}`}`,
    );
  const ps = set.promptSetId
    ? db
        .select({ id: promptSets.id, name: promptSets.name, version: promptSets.version })
        .from(promptSets)
        .where(eq(promptSets.id, set.promptSetId))
        .get()!
    : null;
  const { n } = db
    .select({ n: sql<number>`count(*)` })
    .from(referenceImages)
    .where(eq(referenceImages.referenceSetId, set.id))
    .get()!;
  const perPrompt = ps
    ? db
        .select({ promptId: prompts.promptKey, prompt: prompts.text, images: sql<number>`count(*)` })
        .from(referenceImages)
        .innerJoin(prompts, eq(prompts.id, referenceImages.promptId))
        .where(eq(referenceImages.referenceSetId, set.id))
        .groupBy(prompts.id)
        .orderBy(asc(prompts.position))
        .all()
    : [];
  const imageRows = db
    .select({ fileName: referenceImages.fileName, sha256: referenceImages.imageSha256, promptId: prompts.promptKey })
    .from(referenceImages)
    .leftJoin(prompts, eq(prompts.id, referenceImages.promptId))
    .where(eq(referenceImages.referenceSetId, set.id))
    .orderBy(asc(referenceImages.id))
    .limit(200)
    .all();
  const scores = db
    .select({
      runId: referenceScores.runId,
      variant: variants.name,
      guidanceScale: runs.guidanceScale,
      evaluatorId: referenceScores.evaluatorId,
      metrics: referenceScores.metrics,
    })
    .from(referenceScores)
    .innerJoin(runs, eq(runs.id, referenceScores.runId))
    .innerJoin(variants, eq(variants.id, runs.variantId))
    .where(eq(referenceScores.referenceSetId, set.id))
    .orderBy(asc(variants.name), asc(runs.guidanceScale))
    .all();
  return { ...set, promptSet: ps, imageCount: n, prompts: perPrompt, images: imageRows, scores };
}

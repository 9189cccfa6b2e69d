// A run's distribution metrics against reference sets, by one evaluator (run API, run page, exports).
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { referenceScores, referenceSets } from "../../db/schema";
import type { ReferenceMetrics } from "./reference-metrics";

export type RunReferenceMetrics = ReferenceMetrics & { computedAt: Date };

export function listRunReferenceMetrics(runId: string, evaluatorId: string): RunReferenceMetrics[] {
  return getDb()
    .select({ metrics: referenceScores.metrics, computedAt: referenceScores.computedAt })
    .from(referenceScores)
    .innerJoin(referenceSets, eq(referenceSets.id, referenceScores.referenceSetId))
    .where(and(eq(referenceScores.runId, runId), eq(referenceScores.evaluatorId, evaluatorId)))
    .orderBy(asc(referenceSets.name), asc(referenceSets.version))
    .all()
    .map((r) => ({ ...r.metrics, computedAt: r.computedAt }));
}

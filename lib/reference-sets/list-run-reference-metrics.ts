// A run's distribution metrics against reference sets, by one evaluator (run API, run page, exports),
// and in the image feature spaces it was also compared in (DINOv2 and the like).
import { and, asc, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { evaluators, referenceScores, referenceSets } from "../../db/schema";
import { featureSpaceName } from "../clip/feature-space";
import { evaluatorWarning } from "../clip/identity";
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

export type FeatureSpaceMetrics = {
  /** The image feature extractor: its identity, recipe and label ("dinov2-l-14 (dgm-eval)"). */
  featureSpace: {
    id: string;
    name: string;
    recipe: string | null;
    label: string;
    isFixture: boolean;
    warning?: string;
  };
  reference: RunReferenceMetrics[];
};

/** The run's results in every image feature space, one entry per space (id order). */
export function listRunFeatureSpaceMetrics(runId: string): FeatureSpaceMetrics[] {
  const spaces = getDb()
    .selectDistinct({
      id: evaluators.id,
      name: evaluators.name,
      recipe: evaluators.recipe,
      isFixture: evaluators.isFixture,
    })
    .from(referenceScores)
    .innerJoin(evaluators, eq(evaluators.id, referenceScores.evaluatorId))
    .where(and(eq(referenceScores.runId, runId), eq(evaluators.kind, "image-features")))
    .orderBy(asc(evaluators.id))
    .all();
  return spaces.map((e) => {
    const warning = evaluatorWarning(e);
    return {
      featureSpace: {
        ...e,
        label: featureSpaceName({ name: e.name, kind: "image-features", recipe: e.recipe }),
        ...(warning ? { warning } : {}),
      },
      reference: listRunReferenceMetrics(runId, e.id),
    };
  });
}

// `reference_metrics`: compares a scored run with every reference set that applies to it, in the
// worker's CLIP space and, where the job's store serves them (the database; not a remote
// worker's), every configured image feature space (T2I_FEATURE_EXTRACTORS;
// lib/reference-sets/score-run-against-references.ts).
import { scoreAgainstReferencesWith } from "../../reference-sets/score-run-against-references";
import { getServiceFeatureExtractors } from "../../scoring/service-evaluator";
import type { JobHandler } from "./types";

export const referenceMetricsHandler: JobHandler = {
  async handle(job, { evaluator, stores, signal, log }) {
    const store = stores.referenceMetrics();
    const r = await scoreAgainstReferencesWith(store, evaluator, {
      runId: job.runId,
      featureSpaces: store.featureSpaces ? getServiceFeatureExtractors : undefined,
      signal,
      log,
    });
    return `run ${job.runId}: ${r.referenceSets} reference result(s) in ${r.seconds.toFixed(1)} s (${r.referenceImagesEmbedded} images embedded)`;
  },
};

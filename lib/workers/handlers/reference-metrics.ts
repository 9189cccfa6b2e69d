// `reference_metrics`: compares a scored run with every reference set that applies to it, in the
// worker's CLIP space and every configured image feature space (T2I_FEATURE_EXTRACTORS;
// lib/reference-sets/score-run-against-references.ts).
import { scoreRunAgainstReferences } from "../../reference-sets/score-run-against-references";
import { getServiceFeatureExtractors } from "../../scoring/service-evaluator";
import type { JobHandler } from "./types";

export const referenceMetricsHandler: JobHandler = {
  async handle(job, { evaluator, lease, signal, log }) {
    const r = await scoreRunAgainstReferences({
      runId: job.runId,
      evaluator,
      featureSpaces: getServiceFeatureExtractors,
      lease,
      signal,
      log,
    });
    return `run ${job.runId}: ${r.referenceSets} reference result(s) in ${r.seconds.toFixed(1)} s (${r.referenceImagesEmbedded} images embedded)`;
  },
};

// `reference_metrics`: compares a scored run with every reference set that applies to it
// (lib/reference-sets/score-run-against-references.ts).
import { scoreAgainstReferencesWith } from "../../reference-sets/score-run-against-references";
import type { JobHandler } from "./types";

export const referenceMetricsHandler: JobHandler = {
  async handle(job, { evaluator, stores, signal, log }) {
    const r = await scoreAgainstReferencesWith(stores.referenceMetrics(), evaluator, { runId: job.runId, signal, log });
    return `run ${job.runId} against ${r.referenceSets} reference set(s) in ${r.seconds.toFixed(1)} s (${r.referenceImagesEmbedded} reference images embedded)`;
  },
};

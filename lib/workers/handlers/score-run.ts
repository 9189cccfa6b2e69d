// `score_run`: embeds a run's samples and prompts and writes its scores (lib/runs/score-run.ts).
import { scoreRun } from "../../runs/score-run";
import type { JobHandler } from "./types";

export const scoreRunHandler: JobHandler = {
  async handle(job, { evaluator, lease, signal, log, chunkSize }) {
    const started = performance.now();
    const r = await scoreRun({ runId: job.runId, evaluator, lease, chunkSize, signal, log });
    return (
      `run ${job.runId} ${r.status} in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(${r.samples} samples, ${r.failed} failed; images ${r.imagesEmbedded} embedded, ${r.imageCacheHits} cached)`
    );
  },
};

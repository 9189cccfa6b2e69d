// `score_run`: embeds a run's samples and prompts and writes its scores (lib/scoring/score-run-chunks.ts).
import { config } from "../../core/config";
import { scoreRunChunks } from "../../scoring/score-run-chunks";
import type { JobHandler } from "./types";

export const scoreRunHandler: JobHandler = {
  async handle(job, { evaluator, stores, signal, log, chunkSize }) {
    const started = performance.now();
    const r = await scoreRunChunks(stores.runScoring(), evaluator, {
      runId: job.runId,
      chunkSize: chunkSize ?? config().scoreChunkSize,
      signal,
      log,
    });
    return (
      `run ${job.runId} ${r.status} in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(${r.samples} samples, ${r.failed} failed; images ${r.imagesEmbedded} embedded, ${r.imageCacheHits} cached)`
    );
  },
};

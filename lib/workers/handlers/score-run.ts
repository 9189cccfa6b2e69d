// `score_run`: embeds a run's samples and prompts and writes its scores (lib/scoring/score-run-chunks.ts).
// A re-score in a lower lane (runs rescore --all) commits in small chunks: it stops at a chunk's
// end when a higher lane's job arrives (run-worker.ts), so an upload waits for one small chunk.
import { config } from "../../core/config";
import { scoreRunChunks } from "../../scoring/score-run-chunks";
import type { JobHandler } from "./types";

/** Samples per committed chunk for score_run jobs outside the scoring lane. */
export const PREEMPTIBLE_CHUNK = 16;

export const scoreRunHandler: JobHandler = {
  async handle(job, { evaluator, stores, signal, log, chunkSize }) {
    const started = performance.now();
    const size = chunkSize ?? config().scoreChunkSize;
    const r = await scoreRunChunks(stores.runScoring(), evaluator, {
      runId: job.runId,
      chunkSize: job.priority > 0 ? Math.min(size, PREEMPTIBLE_CHUNK) : size,
      signal,
      log,
    });
    return (
      `run ${job.runId} ${r.status} in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(${r.samples} samples, ${r.failed} failed; images ${r.imagesEmbedded} embedded, ${r.imageCacheHits} cached)`
    );
  },
};

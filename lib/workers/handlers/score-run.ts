// `score_run`: embeds a run's samples and prompts and writes its scores (lib/runs/score-run.ts).
// A re-score in a lower lane (runs rescore --all) commits in small chunks: it stops at a chunk's
// end when a higher lane's job arrives (run-worker.ts), so an upload waits for one small chunk.
import { config } from "../../core/config";
import { scoreRun } from "../../runs/score-run";
import type { JobHandler } from "./types";

/** Samples per committed chunk for score_run jobs outside the scoring lane. */
export const PREEMPTIBLE_CHUNK = 16;

export const scoreRunHandler: JobHandler = {
  async handle(job, { evaluator, lease, signal, log, chunkSize }) {
    const started = performance.now();
    const size = job.priority > 0 ? Math.min(chunkSize ?? config().scoreChunkSize, PREEMPTIBLE_CHUNK) : chunkSize;
    const r = await scoreRun({ runId: job.runId, evaluator, lease, chunkSize: size, signal, log });
    return (
      `run ${job.runId} ${r.status} in ${((performance.now() - started) / 1000).toFixed(1)} s ` +
      `(${r.samples} samples, ${r.failed} failed; images ${r.imagesEmbedded} embedded, ${r.imageCacheHits} cached)`
    );
  },
};

// Jobs and their data from a server over HTTP (`npm run worker -- --server URL`): the remote
// worker never opens the database or the data folder. The stores below are the HTTP twins of
// the database stores (lib/runs/score-run.ts, lib/reference-sets/reference-metrics-store.ts); the
// server runs those behind its routes, so a remote worker's results are the in-process worker's.
import { sleep } from "../../generation/worker-client/backoff";
import { PAGE, type ReferenceImage, type ReferenceMetricsStore } from "../../reference-sets/reference-metrics-store";
import type { RunScoringStore } from "../../scoring/score-run-chunks";
import type { ClaimedJob, JobSource } from "../job-source";
import type { ScoringApi } from "./scoring-api";

export type RemoteJobSourceOptions = {
  api: ScoringApi;
  /** How long one claim waits for a job (long poll; 0 answers at once, for --once). */
  waitSeconds: number;
};

function runScoringStore(api: ScoringApi, job: ClaimedJob, evaluatorId: string): RunScoringStore {
  const c = { jobId: job.id, evaluatorId };
  return {
    begin: () => api.beginScoreRun(c),
    nextChunk: (after, limit) => api.samples(c, after, limit),
    readImage: (s) => api.image(s.sha256),
    commitChunk: async (r) => ({ done: (await api.results(c, r)).done ?? 0 }),
    finish: () => api.completeScoreRun(c),
  };
}

function referenceMetricsStore(api: ScoringApi, job: ClaimedJob, evaluatorId: string): ReferenceMetricsStore {
  const c = { jobId: job.id, evaluatorId };
  return {
    begin: () => api.beginReferenceMetrics(c),
    runEmbeddings: async () => {
      const rows = [];
      for (let after = 0; ;) {
        const page = await api.runEmbeddings(c, after, PAGE);
        rows.push(...page);
        if (page.length < PAGE) return rows;
        after = page[page.length - 1]!.sampleId;
      }
    },
    referenceImages: async (setId) => {
      const images: ReferenceImage[] = [];
      const cached = new Map<string, Float32Array>();
      for (let after = 0; ;) {
        const page = await api.referenceImages(c, setId, after, PAGE);
        images.push(...page.images);
        for (const [k, v] of page.cached) cached.set(k, v);
        if (page.images.length < PAGE) return { images, cached };
        after = page.images[page.images.length - 1]!.id;
      }
    },
    readImage: (image) => api.image(image.sha256),
    putEmbeddings: async (rows) => {
      await api.results(c, { embeddings: rows });
    },
    // Only the CLIP space (no featureSpaces here): every result is this evaluator's.
    complete: (results) =>
      api.completeReferenceMetrics(
        c,
        results.map((r) => r.metrics),
      ),
  };
}

export function remoteJobSource(opts: RemoteJobSourceOptions): JobSource {
  const { api } = opts;
  return {
    claim: async (_workerId, _leaseMs, { evaluator, signal }) =>
      (await api.claim(evaluator, opts.waitSeconds, signal)) ?? undefined,
    heartbeat: (job) => api.heartbeat(job.id),
    fail: (job, _workerId, error, { retry }) => api.fail(job.id, error, retry),
    release: (job) => api.release(job.id),
    // The claim itself waited; a short pause keeps a server that answers at once from being hammered.
    idle: (ms, signal) => sleep(Math.min(ms, 250), signal).catch(() => undefined),
    // The server answers for a job that is gone (404 on fail or release); the loop asks it then.
    exists: async () => true,
    stores: (job, evaluator) => ({
      runScoring: () => runScoringStore(api, job, evaluator.identity.id),
      referenceMetrics: () => referenceMetricsStore(api, job, evaluator.identity.id),
    }),
  };
}

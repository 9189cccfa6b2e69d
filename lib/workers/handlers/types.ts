// The one shape of a job handler: what the scoring loop (lib/workers/run-worker.ts) hands every
// job kind, and what a handler answers. A new job kind is one file in this folder plus one line
// in index.ts.
import type { ClipEvaluator } from "../../clip/evaluator";
import type { ClaimedJob, JobStores } from "../job-source";

export type JobContext = {
  /** The worker's evaluator; every result a handler writes is labelled with its identity. */
  evaluator: ClipEvaluator;
  /** The job's data (the database, or a server over HTTP); every write is checked against the job's lease. */
  stores: JobStores;
  /** Aborted when the worker stops or loses the lease: the handler stops at its next safe point. */
  signal: AbortSignal;
  log: (line: string) => void;
  /** Samples per committed chunk, for handlers that work in chunks (default: config). */
  chunkSize?: number;
};

export type JobHandler = {
  /** Does the job and completes it under the lease; the answer is the log line saying what was done. */
  handle(job: ClaimedJob, ctx: JobContext): Promise<string>;
};

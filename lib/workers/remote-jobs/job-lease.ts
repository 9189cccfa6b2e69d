// The server's side of a remote scoring worker's lease. A remote worker owns a job as
// `<worker token id>/<worker id>`: the token says who may work, the worker id which of that
// token's processes holds the lease. Every call on a job checks the lease and the evaluator;
// writes check the lease again inside their own transaction (lib/jobs/lease.ts).
import { eq } from "drizzle-orm";
import { getDb } from "../../../db/client";
import { jobs, type JobRow } from "../../../db/schema";
import { evaluatorWarning, identityId, type EvaluatorIdentity } from "../../clip/identity";
import { config } from "../../core/config";
import { AppError } from "../../core/errors";
import { LeaseLostError, type Lease } from "../../jobs/lease";
import { serviceEvaluatorIdentity } from "../../scoring/service-evaluator";

export function leaseOwner(tokenId: string, workerId: string): string {
  return `${tokenId}/${workerId}`;
}

export function remoteLease(job: Pick<JobRow, "id">, tokenId: string, workerId: string): Lease {
  return { jobId: job.id, workerId: leaseOwner(tokenId, workerId), leaseMs: config().jobLeaseMs };
}

function lost(job: JobRow, owner: string): AppError {
  const why =
    job.status !== "running"
      ? `the job is ${job.status}`
      : job.leaseOwner === owner
        ? "its lease expired"
        : "another worker holds it now";
  return new AppError("lease_lost", `this worker no longer holds the lease on job ${job.id}: ${why}`, {
    jobId: job.id,
    status: job.status,
  });
}

/** The job, if `owner` holds its lease (running, leased to it); throws 404 / 409 lease_lost. */
export function heldJob(jobId: number, owner: string): JobRow {
  const job = getDb().select().from(jobs).where(eq(jobs.id, jobId)).get();
  if (!job) throw new AppError("not_found", `no job with id ${jobId}`);
  if (job.status !== "running" || job.leaseOwner !== owner) throw lost(job, owner);
  return job;
}

/** Runs a lease-fenced step; a lease lost inside its transaction becomes 409 lease_lost (nothing was written). */
export function underLease<T>(jobId: number, owner: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (!(e instanceof LeaseLostError)) throw e;
    const job = getDb().select().from(jobs).where(eq(jobs.id, jobId)).get();
    throw job
      ? lost(job, owner)
      : new AppError("lease_lost", `this worker no longer holds the lease on job ${jobId}`, { jobId });
  }
}

/** The evaluator this service's jobs are scored with: the service's installed model (lib/scoring/service-evaluator.ts). */
export function requiredEvaluator(): Promise<EvaluatorIdentity> {
  return serviceEvaluatorIdentity();
}

const brief = (e: EvaluatorIdentity) => ({
  id: e.id,
  name: e.name,
  variant: e.variant,
  ...(evaluatorWarning(e) ? { warning: evaluatorWarning(e) } : {}),
});

/**
 * Checks a worker's evaluator against the one the jobs need: 409 evaluator_mismatch naming both
 * when they differ, 422 when the identity is not self-consistent (its id is not its files' digest).
 * Answers the required identity (what the server records with the scores).
 */
export async function checkWorkerEvaluator(worker: EvaluatorIdentity | { id: string }): Promise<EvaluatorIdentity> {
  if ("files" in worker && identityId(worker.name, worker.files, worker.recipe) !== worker.id)
    throw new AppError(
      "validation_failed",
      `evaluator id ${worker.id} is not the digest of the files it lists (expected ${identityId(worker.name, worker.files, worker.recipe)})`,
    );
  const required = await requiredEvaluator();
  if (worker.id !== required.id) {
    const theirs = "name" in worker ? `${worker.id} (${worker.name}, ${worker.variant})` : worker.id;
    throw new AppError(
      "evaluator_mismatch",
      `this worker's evaluator ${theirs} is not the one this service scores with: ${required.id} (${required.name}, ${required.variant}); ` +
        `install the same model folder and variant on the worker (npm run fetch-model), or pass --model / --variant`,
      { worker: "files" in worker ? brief(worker) : { id: worker.id }, required: brief(required) },
    );
  }
  return required;
}

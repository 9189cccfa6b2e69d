// The scoring queue in this process's database (lib/jobs): the default job source.
import { TOY_EVALUATOR_NAME } from "../clip/identity";
import { claimJob } from "../jobs/claim-job";
import { failJob } from "../jobs/fail-job";
import { heartbeat } from "../jobs/heartbeat";
import { higherLaneWaiting } from "../jobs/higher-lane-waiting";
import { jobExists } from "../jobs/job-exists";
import { releaseJob } from "../jobs/release-job";
import { onJobQueued, sleepUntilWoken } from "../jobs/wake";
import { localReferenceMetricsStore } from "../reference-sets/reference-metrics-store";
import { localRunScoringStore } from "../runs/score-run";
import type { JobSource } from "./job-source";

export const localJobSource: JobSource = {
  // Demo runs are toy-world results: only a toy-world evaluator scores them.
  claim: async (workerId, leaseMs, { evaluator }) =>
    claimJob(workerId, leaseMs, Date.now(), { demoRuns: evaluator.name === TOY_EVALUATOR_NAME }),
  heartbeat: async (job, workerId, leaseMs) => heartbeat(job.id, workerId, leaseMs),
  fail: async (job, workerId, error, opts) => failJob(job.id, workerId, error, opts),
  release: async (job, workerId) => releaseJob(job.id, workerId),
  idle: sleepUntilWoken,
  exists: async (job) => jobExists(job.id),
  lanes: {
    higherLaneWaiting: (job, opts) => higherLaneWaiting(job.priority, opts),
    onJobQueued,
  },
  stores: (job, evaluator, lease) => ({
    runScoring: () => localRunScoringStore(job.runId, evaluator.identity, lease),
    referenceMetrics: () => localReferenceMetricsStore(job.runId, evaluator.identity, lease),
  }),
};

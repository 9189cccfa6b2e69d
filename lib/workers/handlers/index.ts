// The job kinds the scoring loop works, one line each. The queue (lib/jobs) never imports this:
// it stores and leases jobs of any kind in JOB_KINDS, and the type below fails to compile when
// a kind has no handler.
import type { JobKind } from "../../../db/schema";
import { referenceMetricsHandler } from "./reference-metrics";
import { scoreRunHandler } from "./score-run";
import type { JobHandler } from "./types";

export const JOB_HANDLERS: Record<JobKind, JobHandler> = {
  score_run: scoreRunHandler,
  reference_metrics: referenceMetricsHandler,
};

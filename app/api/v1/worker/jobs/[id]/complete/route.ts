// POST /api/v1/worker/jobs/:id/complete – finish a job: score_run metrics are computed here; reference_metrics posts its results
import { completeJobJsonSchema, jobIdParam } from "@/lib/http/scoring-worker-schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { completeRemoteJob } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const jobId = jobIdParam((await params).id);
  const body = completeJobJsonSchema.parse(await readJson(req, 32 * 1024 * 1024));
  return Response.json(await completeRemoteJob({ tokenId: token.id, jobId, ...body }));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

// POST /api/v1/worker/jobs/:id/begin – start a claimed job: score_run answers { total }, reference_metrics { sets }
import { jobCallJsonSchema, jobIdParam } from "@/lib/http/scoring-worker-schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { beginRemoteJob } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const jobId = jobIdParam((await params).id);
  const body = jobCallJsonSchema.parse(await readJson(req));
  return Response.json(await beginRemoteJob({ tokenId: token.id, jobId, ...body }));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

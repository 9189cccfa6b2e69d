// POST /api/v1/worker/jobs/:id/release – a stopping worker hands its job back without using up an attempt
import { jobIdParam, releaseJobJsonSchema } from "@/lib/http/scoring-worker-schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { releaseRemoteJob } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const jobId = jobIdParam((await params).id);
  const { workerId } = releaseJobJsonSchema.parse(await readJson(req));
  return Response.json({ released: releaseRemoteJob({ tokenId: token.id, workerId, jobId }) });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

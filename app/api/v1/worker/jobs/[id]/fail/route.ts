// POST /api/v1/worker/jobs/:id/fail – report a job attempt failed: requeued while attempts remain, else failed (with its run for score_run)
import { failJobJsonSchema, jobIdParam } from "@/lib/http/scoring-worker-schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { failRemoteJob } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const jobId = jobIdParam((await params).id);
  const body = failJobJsonSchema.parse(await readJson(req, 2_000_000));
  // Errors are kept short in the jobs table, as the generation protocol keeps them.
  const error = body.error.length > 2000 ? body.error.slice(-2000) : body.error;
  return Response.json({
    result: failRemoteJob({ tokenId: token.id, workerId: body.workerId, jobId, error, retry: body.retry }),
  });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

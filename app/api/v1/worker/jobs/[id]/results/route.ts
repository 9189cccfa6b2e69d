// POST /api/v1/worker/jobs/:id/results – store a chunk's scores and embeddings (idempotent; 409 lease_lost writes nothing)
import { jobIdParam, jobResultsJsonSchema } from "@/lib/http/scoring-worker-schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { postRemoteResults } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

/** A chunk of up to 4096 samples with a 4096-dimension embedding each, base64, fits. */
const MAX_BODY_BYTES = 64 * 1024 * 1024;

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const jobId = jobIdParam((await params).id);
  const body = jobResultsJsonSchema.parse(await readJson(req, MAX_BODY_BYTES));
  return Response.json(
    await postRemoteResults({
      tokenId: token.id,
      jobId,
      workerId: body.workerId,
      evaluatorId: body.evaluatorId,
      body,
    }),
  );
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

// GET /api/v1/worker/jobs/:id/run-embeddings – a page of a reference-metrics job's run image embeddings
import { jobIdParam, jobPageQuerySchema } from "@/lib/http/scoring-worker-schemas";
import { parseQuery } from "@/lib/http/schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { remoteRunEmbeddings } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const jobId = jobIdParam((await params).id);
  const q = parseQuery(req.url, jobPageQuerySchema);
  return Response.json(await remoteRunEmbeddings({ tokenId: token.id, jobId, ...q }));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

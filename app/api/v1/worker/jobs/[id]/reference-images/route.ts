// GET /api/v1/worker/jobs/:id/reference-images – a page of one reference set's images, with cached embeddings
import { jobIdParam, referenceImagesQuerySchema } from "@/lib/http/scoring-worker-schemas";
import { parseQuery } from "@/lib/http/schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { remoteReferenceImages } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const jobId = jobIdParam((await params).id);
  const { set, ...q } = parseQuery(req.url, referenceImagesQuerySchema);
  return Response.json(await remoteReferenceImages({ tokenId: token.id, jobId, setId: set, ...q }));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

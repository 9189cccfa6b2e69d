// POST /api/v1/runs/:id/rescore – score a run with the installed evaluator (202), or 200 when it already is; owner or admin
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { rescoreRunFor } from "@/lib/runs/rescore-run";
import { serviceEvaluatorIdentity } from "@/lib/scoring/service-evaluator";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const { id } = await params;
  const evaluator = (await serviceEvaluatorIdentity()).id;
  const r = rescoreRunFor(id, key, evaluator);
  const statusUrl = `/api/v1/runs/${id}`;
  return Response.json(
    { id, status: r.status, queued: r.queued, evaluator, message: r.message, statusUrl, pageUrl: `/runs/${id}` },
    { status: r.queued ? 202 : 200, headers: { Location: statusUrl } },
  );
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

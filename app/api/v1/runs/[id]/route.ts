// GET /api/v1/runs/:id – status, progress, evaluator, run and per-prompt metrics, sample errors
import { route } from "@/lib/http/respond";
import { rateLimit } from "@/lib/http/rate-limit";
import { getRunOrThrow } from "@/lib/runs/get-run-or-throw";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const evaluator = new URL(req.url).searchParams.get("evaluator") ?? undefined;
  return Response.json(getRunOrThrow(id, { evaluatorId: evaluator }));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

// GET /api/v1/runs/:id – status, progress, evaluator, run and per-prompt metrics, sample errors
import { requireApiKey } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { deleteRun } from "@/lib/runs/delete-run";
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

// DELETE /api/v1/runs/:id – delete a run with its samples, scores, job and unshared images (owner or admin)
export const DELETE = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  return Response.json(deleteRun((await params).id, key));
});

export const { POST, PUT, PATCH } = methodsNotAllowed("GET", "DELETE");

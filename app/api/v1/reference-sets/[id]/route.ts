// GET /api/v1/reference-sets/:id – one reference set (by id or name; ?version=N) with its images per prompt and the runs scored against it
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { parseQuery, promptSetQuerySchema } from "@/lib/http/schemas";
import { rateLimit } from "@/lib/http/rate-limit";
import { requireApiKey } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { deleteReferenceSet } from "@/lib/reference-sets/delete-reference-set";
import { getReferenceSetOrThrow } from "@/lib/reference-sets/get-reference-set-or-throw";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const { version } = parseQuery(req.url, promptSetQuerySchema);
  return Response.json(getReferenceSetOrThrow(id, version));
});

// DELETE /api/v1/reference-sets/:id – delete one reference set version with its comparisons and unshared images (owner or admin)
export const DELETE = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  return Response.json(deleteReferenceSet((await params).id, key));
});

export const { POST, PUT, PATCH } = methodsNotAllowed("GET", "DELETE");

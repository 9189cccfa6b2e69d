// POST /api/v1/runs/:id/hide – hide a run from rankings with a reason shown to readers (owner or admin)
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { hideJsonSchema } from "@/lib/api/schemas";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { setRunHidden } from "@/lib/runs/set-run-hidden";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const { reason } = hideJsonSchema.parse(await readJson(req));
  return Response.json(setRunHidden((await params).id, key, { hidden: true, reason }));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

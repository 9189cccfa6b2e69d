// POST /api/v1/variants/:id/hide – hide a variant from rankings with a reason shown to readers (owner or admin)
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { hideJsonSchema } from "@/lib/api/schemas";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { setVariantHidden } from "@/lib/variants/set-variant-hidden";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const { reason } = hideJsonSchema.parse(await readJson(req));
  return Response.json(setVariantHidden((await params).id, key, { hidden: true, reason }));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

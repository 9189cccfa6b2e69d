// GET /api/v1/variants/:id – one variant (by name or id) with its run counts
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { getVariantOrThrow } from "@/lib/variants/get-variant-or-throw";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  return Response.json(getVariantOrThrow(id));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

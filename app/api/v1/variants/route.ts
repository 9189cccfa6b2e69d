// GET /api/v1/variants – list conditioning variants; POST registers one
import { createVariantJsonSchema } from "@/lib/http/schemas";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { registerVariant } from "@/lib/variants/create-variant";
import { listVariants } from "@/lib/variants/list-variants";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  return Response.json({ variants: listVariants() });
});

export const POST = route(async (req) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const body = createVariantJsonSchema.parse(await readJson(req));
  return Response.json(registerVariant(body, key), { status: 201 });
});

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");

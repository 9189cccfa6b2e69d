// GET /api/v1/variants/:id – one variant (by name or id) with its run counts; PATCH renames or edits it; DELETE deletes it with its runs
import { updateVariantJsonSchema } from "@/lib/http/schemas";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { deleteVariant } from "@/lib/runs/delete-variant";
import { getVariantOrThrow } from "@/lib/variants/get-variant-or-throw";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { updateVariant } from "@/lib/variants/update-variant";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = route<Ctx>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  return Response.json(getVariantOrThrow(id));
});

export const PATCH = route<Ctx>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const body = updateVariantJsonSchema.parse(await readJson(req));
  return Response.json(updateVariant((await params).id, key, body));
});

export const DELETE = route<Ctx>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  return Response.json(deleteVariant((await params).id, key));
});

export const { POST, PUT } = methodsNotAllowed("GET", "PATCH", "DELETE");

// GET /api/v1/prompt-sets/:id – one prompt set (by name or id; ?version=N) with its prompts; PATCH renames it (every version)
import { parseQuery, promptSetQuerySchema, renamePromptSetJsonSchema } from "@/lib/http/schemas";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { getPromptSetOrThrow } from "@/lib/prompt-sets/get-prompt-set-or-throw";
import { renamePromptSet } from "@/lib/prompt-sets/rename-prompt-set";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = route<Ctx>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const { version } = parseQuery(req.url, promptSetQuerySchema);
  return Response.json(getPromptSetOrThrow(id, version));
});

export const PATCH = route<Ctx>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const body = renamePromptSetJsonSchema.parse(await readJson(req));
  return Response.json(renamePromptSet((await params).id, key, body));
});

export const { POST, PUT, DELETE } = methodsNotAllowed("GET", "PATCH");

// GET /api/v1/prompt-sets/:id – one prompt set (by name or id; ?version=N) with its prompts
import { parseQuery, promptSetQuerySchema } from "@/lib/http/schemas";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { getPromptSetOrThrow } from "@/lib/prompt-sets/get-prompt-set-or-throw";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const { version } = parseQuery(req.url, promptSetQuerySchema);
  return Response.json(getPromptSetOrThrow(id, version));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

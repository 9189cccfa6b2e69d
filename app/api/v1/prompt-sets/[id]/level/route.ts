// GET /api/v1/prompt-sets/:id/level – the board's default diversity level for an evaluator and the rule that chose it; PUT sets an admin's level, DELETE clears it (admin, audited)
import { requireApiKey } from "@/lib/http/auth";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { parseQuery, promptSetLevelQuerySchema, setPromptSetLevelJsonSchema } from "@/lib/http/schemas";
import { getPromptSetLevel, setPromptSetLevel } from "@/lib/leaderboard/board-level";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

type Ctx = { params: Promise<{ id: string }> };

export const GET = route<Ctx>(async (req, { params }) => {
  rateLimit(req, "read");
  const { version, evaluator } = parseQuery(req.url, promptSetLevelQuerySchema);
  return Response.json(getPromptSetLevel((await params).id, evaluator, version));
});

export const PUT = route<Ctx>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const body = setPromptSetLevelJsonSchema.parse(await readJson(req));
  return Response.json(
    setPromptSetLevel(
      {
        promptSet: (await params).id,
        version: body.version,
        evaluatorId: body.evaluator,
        diversity: body.diversity,
        note: body.note,
      },
      key,
    ),
  );
});

export const DELETE = route<Ctx>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const { version, evaluator } = parseQuery(req.url, promptSetLevelQuerySchema);
  return Response.json(
    setPromptSetLevel({ promptSet: (await params).id, version, evaluatorId: evaluator, diversity: null }, key),
  );
});

export const { POST, PATCH } = methodsNotAllowed("GET", "PUT", "DELETE");

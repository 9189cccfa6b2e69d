// POST /api/v1/generations – ask GPU workers for samples: one run per guidance scale (202); GET lists generations
import { createGenerationJsonSchema, parseQuery } from "@/lib/http/schemas";
import { createGeneration } from "@/lib/generation/create-generation";
import { listGenerations, listGenerationsInputSchema } from "@/lib/generation/list-generations";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  return Response.json(listGenerations(parseQuery(req.url, listGenerationsInputSchema)));
});

export const POST = route(async (req) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const body = createGenerationJsonSchema.parse(await readJson(req));
  const { generation, runs, tasks, samples } = createGeneration(body, { actor: key });
  const statusUrl = `/api/v1/generations/${generation.id}`;
  return Response.json(
    {
      id: generation.id,
      status: generation.status,
      seed: generation.seed,
      runs: runs.map((r) => ({ id: r.id, guidanceScale: r.guidanceScale, pageUrl: `/runs/${r.id}` })),
      tasks,
      samples,
      statusUrl,
      pageUrl: `/generations/${generation.id}`,
    },
    { status: 202, headers: { Location: statusUrl } },
  );
});

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");

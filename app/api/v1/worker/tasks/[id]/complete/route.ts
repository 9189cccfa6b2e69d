// POST /api/v1/worker/tasks/:id/complete – report a task finished, optionally with engine and model (422 listing missing samples); the run is scored once all its tasks are done
import { completeTask } from "@/lib/generation/complete-task";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { completeTaskJsonSchema } from "@/lib/http/schemas";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  // The body is optional: workers older than provenance send none.
  const hasBody = (req.headers.get("content-type") ?? "").toLowerCase().startsWith("application/json");
  const provenance = hasBody ? completeTaskJsonSchema.parse(await readJson(req)) : {};
  return Response.json(completeTask((await params).id, token.id, { provenance }));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

// POST /api/v1/worker/tasks/:id/fail – report a task failed: requeued while attempts remain, else its run fails with the reason
import { failTaskJsonSchema } from "@/lib/http/schemas";
import { failTask } from "@/lib/generation/fail-task";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const { id } = await params;
  const body = failTaskJsonSchema.parse(await readJson(req, 2_000_000));
  return Response.json(failTask(id, token.id, body.error));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

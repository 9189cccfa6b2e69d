// POST /api/v1/worker/tasks/:id/complete – report a task finished (422 listing missing samples); the run is scored once all its tasks are done
import { completeTask } from "@/lib/generation/complete-task";
import { requireWorkerToken } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  return Response.json(completeTask((await params).id, token.id));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

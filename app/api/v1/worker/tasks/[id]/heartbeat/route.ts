// POST /api/v1/worker/tasks/:id/heartbeat – extend the worker's lease on a task (409 lease_lost once it expired)
import { heartbeatTask } from "@/lib/generation/heartbeat-task";
import { requireWorkerToken } from "@/lib/http/auth";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const token = requireWorkerToken(req);
  const { leaseExpiresAt } = heartbeatTask((await params).id, token.id);
  return Response.json({ leaseExpiresAt: leaseExpiresAt.toISOString() });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

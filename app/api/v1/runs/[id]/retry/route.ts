// POST /api/v1/runs/:id/retry – re-queue a failed run for scoring (202); 409 unless it failed; owner or admin
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { guardRunMutation } from "@/lib/runs/guard-run-mutation";
import { retryRun } from "@/lib/runs/retry-run";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  const { id } = await params;
  const run = guardRunMutation(id, key, "retry", () => retryRun(id));
  const statusUrl = `/api/v1/runs/${run.id}`;
  return Response.json(
    { id: run.id, status: run.status, statusUrl, pageUrl: `/runs/${run.id}` },
    { status: 202, headers: { Location: statusUrl } },
  );
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

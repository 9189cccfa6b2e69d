// POST /api/v1/worker/jobs/claim – a scoring worker claims a scoring or reference-metrics job (long poll; 204 when none; 409 evaluator_mismatch)
// Worker routes are not rate-limited: they need a worker token, and a busy worker legitimately calls them many times a minute.
import { claimJobJsonSchema } from "@/lib/http/scoring-worker-schemas";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { claimRemoteJob } from "@/lib/workers/remote-jobs/remote-job-steps";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(async (req) => {
  const token = requireWorkerToken(req);
  const body = claimJobJsonSchema.parse(await readJson(req));
  const job = await claimRemoteJob({
    tokenId: token.id,
    workerId: body.workerId,
    evaluator: body.evaluator,
    waitSeconds: body.waitSeconds,
    signal: req.signal,
  });
  return job ? Response.json({ job }) : new Response(null, { status: 204 });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

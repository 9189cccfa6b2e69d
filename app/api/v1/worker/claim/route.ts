// POST /api/v1/worker/claim – a GPU worker claims a generation task of a variant it declares (long poll; 204 when none)
// Worker routes are not rate-limited: they need a worker token, and a busy worker legitimately calls them many times a minute.
import { claimTaskJsonSchema } from "@/lib/http/schemas";
import { recordDeclaredVariants } from "@/lib/auth/worker-tokens";
import { claimTaskWaiting } from "@/lib/generation/claim-task";
import { requireWorkerToken } from "@/lib/http/auth";
import { readJson, route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route(async (req) => {
  const token = requireWorkerToken(req);
  const body = claimTaskJsonSchema.parse(await readJson(req));
  recordDeclaredVariants(token, body.variants);
  const task = await claimTaskWaiting({
    tokenId: token.id,
    variants: body.variants,
    waitSeconds: body.waitSeconds,
    signal: req.signal,
  });
  return task ? Response.json({ task }) : new Response(null, { status: 204 });
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

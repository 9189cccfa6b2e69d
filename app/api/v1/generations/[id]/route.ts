// GET /api/v1/generations/:id – a generation's status, task counts and per-run generation and scoring progress
import { getGenerationOrThrow } from "@/lib/generation/get-generation-or-throw";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  return Response.json(getGenerationOrThrow((await params).id));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

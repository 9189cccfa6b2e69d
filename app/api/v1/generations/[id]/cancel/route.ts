// POST /api/v1/generations/:id/cancel – stop handing out a generation's tasks; its unfinished runs fail as cancelled
import { cancelGeneration } from "@/lib/generation/cancel-generation";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  return Response.json(cancelGeneration((await params).id));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

// POST /api/v1/runs/:id/unhide – put a hidden run back into rankings (owner or admin)
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { setRunHidden } from "@/lib/runs/set-run-hidden";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const POST = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  return Response.json(setRunHidden((await params).id, key, { hidden: false }));
});

export const { GET, PUT, PATCH, DELETE } = methodsNotAllowed("POST");

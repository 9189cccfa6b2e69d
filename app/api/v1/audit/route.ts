// GET /api/v1/audit – the audit log of mutations, newest first (admin keys only)
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { auditQuerySchema, parseQuery } from "@/lib/http/schemas";
import { listAudit } from "@/lib/audit/list-audit";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  const key = requireApiKey(req);
  rateLimit(req, "read", key.id);
  return Response.json(listAudit(key, parseQuery(req.url, auditQuerySchema)));
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

// GET /api/v1/leaderboard?promptSet= – each variant's scored runs with run-level metrics and CIs, per evaluator
import { leaderboardQuerySchema, parseQuery } from "@/lib/api/schemas";
import { getLeaderboard } from "@/lib/leaderboard/get-leaderboard";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { getServiceEvaluator } from "@/lib/scoring/service-evaluator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const q = parseQuery(req.url, leaderboardQuerySchema);
  const installed = await getServiceEvaluator().catch(() => undefined);
  return Response.json(getLeaderboard(q.promptSet, { version: q.version, includeDemo: q.includeDemo, source: q.source, defaultEvaluatorId: installed?.identity.id }));
});

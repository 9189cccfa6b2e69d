// GET /api/v1/leaderboard?promptSet=&diversity= – per evaluator: the ranking (rows and pairwise matrix, as on the page) and each variant's scored runs
import { leaderboardQuerySchema, parseQuery } from "@/lib/http/schemas";
import { getLeaderboard } from "@/lib/leaderboard/get-leaderboard";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { getServiceEvaluator } from "@/lib/scoring/service-evaluator";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const q = parseQuery(req.url, leaderboardQuerySchema);
  const installed = await getServiceEvaluator().catch(() => undefined);
  return Response.json(
    getLeaderboard(q.promptSet, {
      version: q.version,
      includeDemo: q.includeDemo,
      includePartial: q.includePartial,
      source: q.source,
      defaultEvaluatorId: installed?.identity.id,
      ranking: q.diversity === undefined ? undefined : { diversity: q.diversity },
    }),
  );
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

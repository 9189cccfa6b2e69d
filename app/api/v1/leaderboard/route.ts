// GET /api/v1/leaderboard?promptSet=&diversity= – per evaluator: the ranking (rows and pairwise matrix, as on the page) and each variant's scored runs
import { leaderboardQuerySchema, parseQuery } from "@/lib/api/schemas";
import { getLeaderboard } from "@/lib/leaderboard/get-leaderboard";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const q = parseQuery(req.url, leaderboardQuerySchema);
  return Response.json(getLeaderboard(q.promptSet, { version: q.version, includeDemo: q.includeDemo, ranking: q.diversity === undefined ? undefined : { diversity: q.diversity } }));
});

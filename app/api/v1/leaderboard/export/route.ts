// GET /api/v1/leaderboard/export?promptSet=&evaluator=&diversity=&format=csv|json – one evaluator's ranking as a download
import { parseQuery, rankingExportQuerySchema } from "@/lib/api/schemas";
import { exportRanking } from "@/lib/leaderboard/export-ranking";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const q = parseQuery(req.url, rankingExportQuerySchema);
  const out = exportRanking(q.promptSet, { version: q.version, evaluatorId: q.evaluator, includeDemo: q.includeDemo, diversity: q.diversity }, q.format);
  return new Response(out.body, { headers: { "Content-Type": out.contentType, "Content-Disposition": `attachment; filename="${out.filename}"` } });
});

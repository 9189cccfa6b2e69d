// GET /api/v1/leaderboard/export?promptSet=&evaluator=&diversity=&table=ranking|pairs&format=csv|json – one evaluator's ranking or pairwise matrix as a download
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { parseQuery, rankingExportQuerySchema } from "@/lib/http/schemas";
import { exportRanking } from "@/lib/leaderboard/export-ranking";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const q = parseQuery(req.url, rankingExportQuerySchema);
  const out = exportRanking(
    q.promptSet,
    {
      version: q.version,
      evaluatorId: q.evaluator,
      includeDemo: q.includeDemo,
      includePartial: q.includePartial,
      diversity: q.diversity,
    },
    q.format,
    q.table,
  );
  return new Response(out.body, {
    headers: { "Content-Type": out.contentType, "Content-Disposition": `attachment; filename="${out.filename}"` },
  });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

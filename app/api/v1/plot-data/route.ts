// GET /api/v1/plot-data?view=leaderboard|variant|compare&promptSet=…&diversity=…&format=csv|json – the data behind each plot
import { parseQuery, plotDataQuerySchema } from "@/lib/http/schemas";
import { getComparison, getRankedBoard } from "@/lib/leaderboard/get-ranked-board";
import { toCsv } from "@/lib/core/csv";
import { boardPlotRanking, plotRows } from "@/lib/leaderboard/plot-data";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { AppError } from "@/lib/core/errors";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const q = parseQuery(req.url, plotDataQuerySchema);
  const ranking = q.diversity === undefined ? undefined : { diversity: q.diversity };
  let rows;
  if (q.view === "variant" && !q.variant)
    throw new AppError("validation_failed", "view=variant needs variant (a variant id or name)");
  if (q.view === "compare") {
    if (!q.a || !q.b) throw new AppError("validation_failed", "view=compare needs a and b (variant ids or names)");
    const c = getComparison(q.promptSet, q.a, q.b, { version: q.version, evaluatorId: q.evaluator, ranking });
    const cmp = c.comparison;
    const side = (id: string) => [cmp?.a, cmp?.b].find((s) => s?.variantId === id);
    rows = cmp
      ? plotRows(c, [cmp.a, cmp.b], (id) => {
          const s = side(id);
          return {
            rank: null,
            score: s?.scored ? s.score : null,
            diversityLevel: cmp.diversity?.value ?? null,
            methodVersion: cmp.methodVersion,
          };
        })
      : [];
  } else {
    const board = getRankedBoard(q.promptSet, {
      version: q.version,
      evaluatorId: q.evaluator,
      includeDemo: q.includeDemo === "true",
      includePartial: q.includePartial,
      source: q.source,
      ranking,
    });
    const curves = board.ranking ? [...board.ranking.ranked, ...board.ranking.unranked] : [];
    const wanted =
      q.view === "variant"
        ? curves.filter((c) => c.variantId === q.variant || board.variants[c.variantId]?.name === q.variant)
        : curves;
    if (q.view === "variant" && wanted.length === 0)
      throw new AppError("not_found", `variant "${q.variant}" has no scored runs on this prompt set`);
    rows = plotRows(board, wanted, boardPlotRanking(board));
  }
  const name = `t2i-eval-${q.view}-${q.promptSet}`.replace(/[^A-Za-z0-9._-]/g, "_");
  if (q.format === "csv") {
    return new Response(toCsv(rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}.csv"`,
      },
    });
  }
  return Response.json({ rows }, { headers: { "Content-Disposition": `attachment; filename="${name}.json"` } });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

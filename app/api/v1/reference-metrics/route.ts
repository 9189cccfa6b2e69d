// GET /api/v1/reference-metrics?promptSet=…&metric=recall|coverage|…&format=csv|json – each scored run's diversity beside a distribution metric against each reference set
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { parseQuery } from "@/lib/http/schemas";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { toCsv } from "@/lib/core/csv";
import { boardReferenceQuerySchema, getBoardReferenceMetrics } from "@/lib/reference-sets/board-reference-metrics";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  const { format, ...q } = parseQuery(req.url, boardReferenceQuerySchema);
  const board = getBoardReferenceMetrics(q);
  const name = `t2i-eval-reference-${board.metric}-${board.promptSet.name}`.replace(/[^A-Za-z0-9._-]/g, "_");
  if (format === "csv") {
    return new Response(toCsv(board.rows), {
      headers: {
        "Content-Type": "text/csv; charset=utf-8",
        "Content-Disposition": `attachment; filename="${name}.csv"`,
      },
    });
  }
  return Response.json(board);
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

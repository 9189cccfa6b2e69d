// GET /api/v1/runs/:id/prompts?evaluator=&format=json|csv – a run's per-prompt metrics as a download
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { parseQuery, promptMetricsQuerySchema } from "@/lib/http/schemas";
import { toCsv } from "@/lib/core/csv";
import { downloadResponse } from "@/lib/http/download";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { getRunOrThrow } from "@/lib/runs/get-run-or-throw";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const q = parseQuery(req.url, promptMetricsQuerySchema);
  const run = getRunOrThrow(id, { evaluatorId: q.evaluator });
  const rows = run.metrics?.prompts ?? [];
  // Every row names its evaluator, run, variant, guidance scale and replicate, so files of several runs concatenate.
  const columns = [
    "evaluator",
    "runId",
    "variant",
    "guidanceScale",
    "replicate",
    "promptId",
    "prompt",
    "category",
    "n",
    "failed",
    "clipScore",
    "clipS",
    "diversity",
    "diversityReason",
    "vendi",
    "truncated",
  ] as const;
  return downloadResponse(
    q.format,
    `t2i-eval-prompts-${id}`,
    () =>
      toCsv(
        rows.map((r) => ({
          evaluator: run.evaluator?.id ?? null,
          runId: run.id,
          variant: run.variant.name,
          guidanceScale: run.guidanceScale,
          replicate: run.replicate,
          ...r,
        })),
        [...columns],
      ),
    () => ({
      runId: run.id,
      status: run.status,
      evaluator: run.evaluator,
      labels: run.metrics?.labels ?? [],
      prompts: rows,
    }),
  );
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

// GET /api/v1/runs/:id/prompts?evaluator=&format=json|csv – a run's per-prompt metrics as a download (streamed)
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { parseQuery, promptMetricsQuerySchema } from "@/lib/http/schemas";
import { streamDownload } from "@/lib/http/download";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { promptMetricsStream } from "@/lib/runs/prompt-metrics-stream";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const q = parseQuery(req.url, promptMetricsQuerySchema);
  const { run, next } = promptMetricsStream(id, { evaluatorId: q.evaluator });
  // Every CSV row names its evaluator, run, variant, guidance scale and replicate, so files of
  // several runs concatenate; the JSON states them once, in its head.
  const context = {
    evaluator: run.evaluator?.id ?? null,
    runId: run.id,
    variant: run.variant.name,
    guidanceScale: run.guidanceScale,
    replicate: run.replicate,
  };
  return streamDownload(q.format, `t2i-eval-prompts-${id}`, {
    columns: [
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
    ],
    next: q.format === "csv" ? (): Record<string, unknown>[] => next().map((r) => ({ ...context, ...r })) : next,
    head: { runId: run.id, status: run.status, evaluator: run.evaluator, labels: run.metrics?.labels ?? [] },
    key: "prompts",
  });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

// GET /api/v1/runs/:id/samples?evaluator=&limit=&offset=&format=json|csv – a run's per-sample scores (JSON pages; CSV holds every sample), streamed
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { parseQuery } from "@/lib/http/schemas";
import { streamDownload } from "@/lib/http/download";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { sampleScoresQuerySchema, sampleScoresStream } from "@/lib/runs/list-sample-scores";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const q = parseQuery(req.url, sampleScoresQuerySchema);
  const { head, next } = sampleScoresStream(id, {
    evaluator: q.evaluator,
    limit: q.limit,
    offset: q.offset,
    all: q.format === "csv",
  });
  // Every CSV row names its evaluator, run, variant, guidance scale and replicate, so files of
  // several runs concatenate; the JSON states them once, in its head.
  const context = {
    evaluator: head.evaluatorId,
    runId: head.runId,
    variant: head.variant,
    guidanceScale: head.guidanceScale,
    replicate: head.replicate,
  };
  return streamDownload(q.format, `t2i-eval-samples-${id}`, {
    columns: [
      "evaluator",
      "runId",
      "variant",
      "guidanceScale",
      "replicate",
      "file",
      "promptId",
      "prompt",
      "seed",
      "sampleIndex",
      "cosine",
      "clipScore",
      "truncated",
      "error",
      "imageSha256",
    ],
    next: q.format === "csv" ? (): Record<string, unknown>[] => next().map((s) => ({ ...context, ...s })) : next,
    head,
    key: "samples",
  });
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

// GET /api/v1/runs/:id/samples?evaluator=&limit=&offset=&format=json|csv – a run's per-sample scores (JSON pages; CSV holds every sample)
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";
import { parseQuery } from "@/lib/http/schemas";
import { toCsv } from "@/lib/core/csv";
import { downloadResponse } from "@/lib/http/download";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { listSampleScores, sampleScoresQuerySchema } from "@/lib/runs/list-sample-scores";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route<{ params: Promise<{ id: string }> }>(async (req, { params }) => {
  rateLimit(req, "read");
  const { id } = await params;
  const q = parseQuery(req.url, sampleScoresQuerySchema);
  const page = listSampleScores(id, {
    evaluator: q.evaluator,
    limit: q.limit,
    offset: q.offset,
    all: q.format === "csv",
  });
  // Every row names its evaluator, run, variant, guidance scale and replicate, so files of several runs concatenate.
  const columns = [
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
  ] as const;
  return downloadResponse(
    q.format,
    `t2i-eval-samples-${id}`,
    () =>
      toCsv(
        page.samples.map((s) => ({
          evaluator: page.evaluatorId,
          runId: page.runId,
          variant: page.variant,
          guidanceScale: page.guidanceScale,
          replicate: page.replicate,
          ...s,
        })),
        [...columns],
      ),
    () => page,
  );
});

export const { POST, PUT, PATCH, DELETE } = methodsNotAllowed("GET");

// POST /api/v1/runs – upload a sample batch as a run (202, scored in the background); GET lists runs
import { parseQuery, runUploadFieldsSchema } from "@/lib/http/schemas";
import { AppError, validationError } from "@/lib/core/errors";
import { requireApiKey } from "@/lib/http/auth";
import { rateLimit } from "@/lib/http/rate-limit";
import { route } from "@/lib/http/respond";
import { runLeaderboard } from "@/lib/leaderboard/run-leaderboard";
import { createRun } from "@/lib/runs/create-run";
import { listRuns, listRunsInputSchema } from "@/lib/runs/list-runs";
import { ingestMultipart } from "@/lib/uploads";
import { stagedItemInputs } from "@/lib/uploads/staged-item-inputs";
import { methodsNotAllowed } from "@/lib/http/method-not-allowed";

export const runtime = "nodejs";
export const dynamic = "force-dynamic";

export const GET = route(async (req) => {
  rateLimit(req, "read");
  return Response.json(listRuns(parseQuery(req.url, listRunsInputSchema)));
});

export const POST = route(async (req) => {
  const key = requireApiKey(req);
  rateLimit(req, "write", key.id);
  if (!req.body)
    throw new AppError(
      "bad_request",
      "empty request body: send multipart/form-data with an archive, or a manifest and images",
    );
  const staged = await ingestMultipart(req.body, req.headers.get("content-type"));
  try {
    const fields = runUploadFieldsSchema.safeParse(staged.fields);
    if (!fields.success) throw validationError(fields.error, "run fields");
    const f = fields.data;
    const { run, duplicate, requeued, duplicateNote, sameScale } = await createRun(
      {
        variant: f.variant,
        createVariantIfMissing: f.conditioningType
          ? { conditioningType: f.conditioningType, description: f.variantDescription, model: f.model }
          : undefined,
        promptSet: f.promptSet,
        promptSetVersion: f.promptSetVersion,
        newPromptSetName: f.newPromptSetName,
        guidanceScale: f.guidanceScale,
        replicate: f.replicate,
        sampler: f.sampler,
        steps: f.steps,
        seedPolicy: f.seedPolicy,
        source: "uploaded",
        items: stagedItemInputs(staged.items),
      },
      key,
    );
    const statusUrl = `/api/v1/runs/${run.id}`;
    const body = {
      id: run.id,
      status: run.status,
      statusUrl,
      pageUrl: `/runs/${run.id}`,
      duplicate,
      ...(requeued ? { requeued } : {}),
      samples: staged.items.length,
      leaderboard: runLeaderboard(run.promptSetId),
      ...(staged.ignoredFiles.length ? { ignoredFiles: staged.ignoredFiles } : {}),
      // Not the variant's only run at this guidance scale: replicate or duplicate? (lib/runs/same-scale-runs.ts)
      ...(sameScale ? { sameScale } : {}),
      ...(requeued
        ? { message: "an identical upload of this run had failed; it was queued for scoring again" }
        : duplicate
          ? {
              message: duplicateNote
                ? `${duplicateNote}; it was not scored again`
                : "an identical upload (same variant, settings and files) exists; it was not scored again",
            }
          : sameScale
            ? { message: sameScale.message }
            : {}),
    };
    return Response.json(body, { status: duplicate && !requeued ? 200 : 202, headers: { Location: statusUrl } });
  } finally {
    await staged.cleanup();
  }
});

export const { PUT, PATCH, DELETE } = methodsNotAllowed("GET", "POST");

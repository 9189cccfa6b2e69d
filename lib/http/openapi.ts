// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { conditioningTypeSchema } from "../../db/schema/index";
import { listGenerationsInputSchema } from "../generation/list-generations";
import { boardReferenceQuerySchema } from "../reference-sets/board-reference-metrics";
import { listRunsInputSchema } from "../runs/list-runs";
import { sampleScoresQuerySchema } from "../runs/list-sample-scores";
import { jsonImagesSchema } from "../uploads/index";
import {
  claimTaskJsonSchema,
  createGenerationJsonSchema,
  createPromptSetJsonSchema,
  renamePromptSetJsonSchema,
  createVariantJsonSchema,
  errorBodySchema,
  failTaskJsonSchema,
  leaderboardQuerySchema,
  plotDataQuerySchema,
  promptMetricsQuerySchema,
  rankingExportQuerySchema,
  promptSetLevelQuerySchema,
  promptSetQuerySchema,
  setPromptSetLevelJsonSchema,
  referenceSetUploadFieldsSchema,
  runUploadFieldsSchema,
  auditQuerySchema,
  completeTaskJsonSchema,
  hideJsonSchema,
  updateVariantJsonSchema,
} from "./schemas";
import {
  claimJobJsonSchema,
  completeJobJsonSchema,
  failJobJsonSchema,
  jobCallJsonSchema,
  jobPageQuerySchema,
  jobResultsJsonSchema,
  referenceImagesQuerySchema,
  releaseJobJsonSchema,
} from "./scoring-worker-schemas";

const bearer = { bearerAuth: [] as string[] };
const worker = { workerToken: [] as string[] };
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const anyJson = (description: string) => json(z.record(z.string(), z.unknown()), description);
const err = (description: string) => json(errorBodySchema, description);
const clientErrors = {
  400: err("Malformed request"),
  422: err("Validation failed; details name the offending fields, files, entries or manifest line"),
  429: err("Rate limited; see the Retry-After header"),
};
const writeErrors = {
  ...clientErrors,
  401: err("Missing or unknown API key"),
  503: err(
    "database_busy: another process held the database's write lock; nothing was written; retry after Retry-After seconds",
  ),
};
const workerErrors = {
  401: err("Missing, unknown or revoked worker token"),
  404: err("No such task"),
  409: err("lease_lost: this worker's lease on the task expired (it went back to the queue) or is another worker's"),
};
const taskParams = z.object({ id: z.string().meta({ description: "Task id (task_…)" }) });
const jobParams = z.object({ id: z.string().meta({ description: "Scoring job id (an integer)" }) });
const jobErrors = {
  401: err("Missing, unknown or revoked worker token"),
  404: err("No such job"),
  409: err(
    "lease_lost: another worker holds the job now (nothing was written); evaluator_mismatch: the worker's evaluator is not the service's (details name both)",
  ),
};

function build() {
  const r = new OpenAPIRegistry();
  r.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "API key made with `npm run apikey -- create --name NAME`",
  });
  r.registerComponent("securitySchemes", "workerToken", {
    type: "http",
    scheme: "bearer",
    description: "GPU worker token (t2iw_…) made with `npm run worker-token -- create --name NAME`",
  });

  const uploadBody = runUploadFieldsSchema.extend({
    archive: z
      .string()
      .meta({
        format: "binary",
        description:
          "A .zip, .tar or .tar.gz holding manifest.jsonl or manifest.csv (file, prompt or prompt_id, seed) and the images.",
      })
      .optional(),
    manifest: z
      .string()
      .meta({ format: "binary", description: "Instead of an archive: the manifest file…" })
      .optional(),
    images: z
      .array(z.string().meta({ format: "binary" }))
      .optional()
      .meta({ description: "…and the image files, each part's filename matching a manifest row." }),
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/runs",
    summary: "Upload a sample batch as a run",
    description:
      "Streams the upload to disk, validates every file (type, size, pixels, archive paths, manifest) and answers 202 with the run id; scoring happens in the background. An identical re-upload returns the existing run (200, duplicate: true), or re-queues it if it had failed (202, requeued: true). When the variant already has a run at this guidance scale on this prompt set, `sameScale` { guidanceScale, otherRuns, message } asks: replicate or duplicate? Runs may be added to a variant by its owner, admins, and anyone once the owner set contributors: anyone. Without a named prompt set the run joins an existing set that holds all its prompts, else a set named after the upload; `leaderboard` says which, with its link. A rejected upload leaves no rows and no files.",
    security: [bearer],
    request: { body: { content: { "multipart/form-data": { schema: uploadBody } } } },
    responses: {
      202: anyJson(
        "Accepted: { id, status, statusUrl, pageUrl, duplicate, samples, leaderboard: { promptSet, url, isDefault } }; also for an identical re-upload of a failed run, which re-queues it (requeued: true)",
      ),
      200: anyJson("Identical upload already stored: the existing run"),
      ...writeErrors,
      403: err(
        "The variant is another key's (details.reason not_owner / no_owner; its owner can open it with contributors: anyone) or part of the demo (reason demo)",
      ),
      413: err("Upload, archive, manifest or an image over the configured limits"),
      415: err("Not multipart/form-data"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/runs",
    summary: "List runs",
    request: { query: listRunsInputSchema },
    responses: { 200: anyJson("{ runs, total, limit, offset }"), ...clientErrors },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/runs/{id}",
    summary: "A run's status, progress and metrics",
    request: { params: z.object({ id: z.string() }), query: z.object({ evaluator: z.string().optional() }) },
    responses: {
      200: anyJson(
        "Status (generating|queued|scoring|scored|failed), scoring progress {done,total}, generation {id,done,total} for generated runs, evaluator, run metrics with CIs, per-prompt metrics, sample errors",
      ),
      404: err("No such run"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/runs/{id}/samples",
    summary: "A run's per-sample scores, a page at a time (or all as CSV)",
    description:
      "Samples in upload order: file, promptId, prompt, seed, sampleIndex, cosine (raw image–prompt cosine), clipScore (100·cosine, per sample), truncated (the prompt was cut to CLIP's 77 tokens), error. JSON answers one page with `next` (the next page's URL, null on the last); format=csv holds every sample.",
    request: { params: z.object({ id: z.string() }), query: sampleScoresQuerySchema },
    responses: {
      200: { description: "JSON { runId, evaluatorId, total, limit, offset, next, samples } or a CSV download" },
      ...clientErrors,
      404: err("No such run"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/runs/{id}/prompts",
    summary: "A run's per-prompt metrics as a CSV or JSON download",
    request: { params: z.object({ id: z.string() }), query: promptMetricsQuerySchema },
    responses: {
      200: {
        description:
          "CSV (promptId, prompt, category, n, failed, clipScore, clipS, diversity, diversityReason, vendi, truncated) or JSON { runId, status, evaluator, labels, prompts }",
      },
      ...clientErrors,
      404: err("No such run or evaluator"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/plot-data",
    summary: "The data behind a plot (leaderboard, variant or compare view) as CSV or JSON",
    description:
      "One row per run: variant, guidance scale, diversity and CLIP score with their 95% CIs. view=variant needs `variant`; view=compare needs `a` and `b`.",
    request: { query: plotDataQuerySchema },
    responses: {
      200: { description: "JSON { rows } or a CSV download" },
      ...clientErrors,
      404: err("No such prompt set, evaluator or variant"),
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/runs/{id}/retry",
    summary: "Retry a failed run",
    description:
      "Puts a failed run back in the scoring queue with a fresh set of attempts; its per-sample errors are tried again and samples already scored keep their scores. An identical re-upload of a failed run does the same.",
    security: [bearer],
    request: { params: z.object({ id: z.string() }) },
    responses: {
      202: anyJson("Queued: { id, status, statusUrl, pageUrl }"),
      401: err("Missing or unknown API key"),
      404: err("No such run"),
      409: err("The run is not failed, or its generation never made all its samples"),
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/runs/{id}/rescore",
    summary: "Re-score a run with the installed evaluator",
    description:
      "Queues the run for scoring by the evaluator this server has installed; the scores of other evaluators are kept, cached embeddings are reused and an interrupted re-score resumes. Progress shows like scoring (status queued → scoring → scored).",
    security: [bearer],
    request: { params: z.object({ id: z.string() }) },
    responses: {
      202: anyJson("Queued: { id, status, queued: true, evaluator, message, statusUrl, pageUrl }"),
      200: anyJson("Already scored by the installed evaluator: { id, status, queued: false, evaluator, message }"),
      401: err("Missing or unknown API key"),
      404: err("No such run"),
      409: err("The run failed (retry it) or is still being generated or scored"),
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/metrics",
    summary: "Score a small batch synchronously",
    description:
      "Same JSON as `npm run score -- --format json`: evaluator, items, groups, summary. Nothing is stored. Larger batches (see T2I_METRICS_MAX_IMAGES / T2I_METRICS_MAX_BYTES) get 413 pointing to /api/v1/runs.",
    request: {
      query: z.object({ seed: z.coerce.number().int().min(0).optional() }),
      body: {
        content: {
          "application/json": { schema: jsonImagesSchema },
          "multipart/form-data": {
            schema: z.object({
              manifest: z.string().meta({ format: "binary" }),
              images: z.array(z.string().meta({ format: "binary" })),
            }),
          },
        },
      },
    },
    responses: {
      200: anyJson("{ evaluator, metrics, items, groups, summary }"),
      ...clientErrors,
      413: err("Batch too large for the synchronous endpoint: use /api/v1/runs"),
      415: err("Unsupported content type"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/prompt-sets",
    summary: "List prompt sets",
    request: { query: z.object({ includeImplicit: z.enum(["true", "false"]).optional() }) },
    responses: { 200: anyJson("{ promptSets }") },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/prompt-sets",
    summary: "Create a prompt set (or a new version of one)",
    description:
      "A name belongs to the key that made its first version: a new version needs that key or an admin key (403 otherwise). Version numbers are assigned in order; only an admin may give `version` (an import). Demo sets take no new version. The same prompts as the latest version answer 200 with it. A multipart body is read while it streams and refused at 20 MiB (413).",
    security: [bearer],
    request: {
      body: {
        content: {
          "application/json": { schema: createPromptSetJsonSchema },
          "multipart/form-data": {
            schema: z.object({
              name: z.string(),
              description: z.string().optional(),
              file: z.string().meta({ format: "binary", description: "JSONL or CSV: id?, prompt, category?" }),
            }),
          },
        },
      },
    },
    responses: {
      201: anyJson("Created"),
      200: anyJson("Identical to the latest version: that version"),
      ...writeErrors,
      409: err("That version exists"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/prompt-sets/{id}",
    summary: "A prompt set with its prompts",
    request: { params: z.object({ id: z.string() }), query: promptSetQuerySchema },
    responses: { 200: anyJson("The prompt set"), 404: err("Not found") },
  });
  r.registerPath({
    method: "patch",
    path: "/api/v1/prompt-sets/{id}",
    summary: "Rename a prompt set (every version of its name)",
    description:
      "Owner or admin. Gives an upload-derived set (upload-<variant>-<hash>) a readable name; runs keep their set. Names starting with upload- are reserved; demo sets keep their name.",
    security: [bearer],
    request: {
      params: z.object({ id: z.string() }),
      body: { content: { "application/json": { schema: renamePromptSetJsonSchema } } },
    },
    responses: {
      200: anyJson("{ id, name, previousName, versions }"),
      401: err("Missing or unknown API key"),
      403: err("Not the owner's key and not an admin key (details.reason)"),
      404: err("Not found"),
      409: err("Name taken, or a demo set"),
      422: err("Invalid name"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/prompt-sets/{id}/level",
    summary: "The board's default diversity level for an evaluator, and the rule that chose it",
    description:
      "Rules in order: the latest reference set tied to the prompt set version (its per-prompt diversity), an admin's level, the level frozen when the board was first ranked. level is null until one applies.",
    request: { params: z.object({ id: z.string() }), query: promptSetLevelQuerySchema },
    responses: {
      200: anyJson("{ promptSet, evaluatorId, level: { value, source, rule, referenceSet?, setAt? } | null }"),
      404: err("Not found"),
    },
  });
  r.registerPath({
    method: "put",
    path: "/api/v1/prompt-sets/{id}/level",
    summary: "Set the board's default diversity level for an evaluator (admin; recorded in the audit log)",
    description: "A reference set tied to the prompt set version still takes precedence (rule 1).",
    request: {
      params: z.object({ id: z.string() }),
      body: { content: { "application/json": { schema: setPromptSetLevelJsonSchema } } },
    },
    responses: { 200: anyJson("{ promptSetId, level }"), ...writeErrors },
  });
  r.registerPath({
    method: "delete",
    path: "/api/v1/prompt-sets/{id}/level",
    summary: "Clear the admin's level (admin; audited): the board freezes a level again when next ranked",
    request: { params: z.object({ id: z.string() }), query: promptSetLevelQuerySchema },
    responses: { 200: anyJson("{ promptSetId, level }"), ...writeErrors },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/reference-sets",
    summary: "List reference sets",
    responses: { 200: anyJson("{ referenceSets }") },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/reference-sets",
    summary: "Upload a reference set of real images (or a new version of one)",
    description:
      "Same body, validation and limits as POST /api/v1/runs: an `archive` (zip, tar, tar.gz with manifest.jsonl or manifest.csv) or a `manifest` plus `images`. Scored runs it applies to are queued for distribution metrics against it. The key is recorded as its owner; a new version of an existing name needs the key that made the latest version, or an admin key.",
    security: [bearer],
    request: {
      body: {
        content: {
          "multipart/form-data": {
            schema: referenceSetUploadFieldsSchema.extend({
              archive: z.string().meta({ format: "binary" }).optional(),
            }),
          },
        },
      },
    },
    responses: {
      201: anyJson("Created: { id, name, version, images, queuedRuns, pageUrl }"),
      ...writeErrors,
      403: err("A new version of a name whose latest version another key made (details.reason)"),
      413: err("Too large"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/reference-sets/{id}",
    summary: "A reference set with its images per prompt and the runs scored against it",
    request: { params: z.object({ id: z.string() }), query: promptSetQuerySchema },
    responses: { 200: anyJson("The reference set"), 404: err("Not found") },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/reference-metrics",
    summary:
      "Each scored run's pairwise diversity beside a distribution metric against each applicable reference set (the leaderboard's secondary view and its export)",
    request: { query: boardReferenceQuerySchema },
    responses: {
      200: anyJson("{ promptSet, evaluatorId, metric, rows } or CSV of rows"),
      404: err("No such prompt set"),
      422: err("Bad query"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/variants",
    summary: "List conditioning variants",
    responses: { 200: anyJson("{ variants }") },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/variants",
    summary: "Register a conditioning variant",
    description: `Conditioning types: ${conditioningTypeSchema.options.join(", ")}. The variant belongs to the key that registers it: other keys' runs and generation requests on it are refused (403) unless contributors is "anyone".`,
    security: [bearer],
    request: { body: { content: { "application/json": { schema: createVariantJsonSchema } } } },
    responses: { 201: anyJson("Created"), ...writeErrors, 409: err("Name taken") },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/variants/{id}",
    summary: "A variant",
    request: { params: z.object({ id: z.string() }) },
    responses: { 200: anyJson("The variant"), 404: err("Not found") },
  });
  // Lifecycle: owner rules (lib/auth/authorize-mutation.ts) and the audit log.
  const ownerErrors = {
    401: err("Missing or unknown API key"),
    403: err("Not the owner's key and not an admin key (details.reason)"),
    404: err("Not found"),
  };
  const idParams = z.object({ id: z.string() });
  r.registerPath({
    method: "delete",
    path: "/api/v1/reference-sets/{id}",
    summary: "Delete a reference set version",
    description:
      "Its images rows, its comparisons with runs, and its images once no run or other reference set uses them; the previous version of its name becomes the latest. Owner or admin.",
    security: [bearer],
    request: { params: idParams },
    responses: {
      200: anyJson("{ id, name, version, deleted, images, comparisons, imagesDeleted, filesDeleted }"),
      ...ownerErrors,
    },
  });
  r.registerPath({
    method: "delete",
    path: "/api/v1/runs/{id}",
    summary: "Delete a run",
    description: "Its rows, scoring job, generation tasks, and its images once no other run uses them. Owner or admin.",
    security: [bearer],
    request: { params: idParams },
    responses: { 200: anyJson("{ id, deleted, samples, imagesDeleted, filesDeleted }"), ...ownerErrors },
  });
  for (const [kind, what] of [
    ["runs", "run"],
    ["variants", "variant (and its runs)"],
  ] as const) {
    r.registerPath({
      method: "post",
      path: `/api/v1/${kind}/{id}/hide`,
      summary: `Hide a ${what} from rankings`,
      description:
        "Left out of the leaderboard, curves and plot data; still readable by id, with the reason shown. Owner or admin.",
      security: [bearer],
      request: { params: idParams, body: { content: { "application/json": { schema: hideJsonSchema } } } },
      responses: {
        200: anyJson("{ id, hidden, hiddenAt, hiddenReason }"),
        ...ownerErrors,
        422: err("No reason given"),
      },
    });
    r.registerPath({
      method: "post",
      path: `/api/v1/${kind}/{id}/unhide`,
      summary: `Put a hidden ${what} back into rankings`,
      security: [bearer],
      request: { params: idParams },
      responses: { 200: anyJson("{ id, hidden: false }"), ...ownerErrors },
    });
  }
  r.registerPath({
    method: "patch",
    path: "/api/v1/variants/{id}",
    summary: "Rename a variant, edit its description and links, or open it to other keys' runs",
    description:
      'Links must be http(s) URLs. contributors: "anyone" lets every key upload runs and request generations for it; "owner" closes it again. Owner or admin.',
    security: [bearer],
    request: { params: idParams, body: { content: { "application/json": { schema: updateVariantJsonSchema } } } },
    responses: { 200: anyJson("The variant"), ...ownerErrors, 409: err("Name taken"), 422: err("Invalid change") },
  });
  r.registerPath({
    method: "delete",
    path: "/api/v1/variants/{id}",
    summary: "Delete a variant with its runs and generations",
    description:
      "Its owner (or an admin) deletes it with every run on it, other keys' runs included (the audit record counts them).",
    security: [bearer],
    request: { params: idParams },
    responses: {
      200: anyJson("{ id, name, deleted, runs, samples, imagesDeleted, filesDeleted }"),
      ...ownerErrors,
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/audit",
    summary: "The audit log (admin keys only)",
    description:
      "Every mutation: who (apiKeyId, apiKeyName), what (action, targetType, targetId, details), when (createdAt); newest first, paged with before=nextBefore.",
    security: [bearer],
    request: { query: auditQuerySchema },
    responses: {
      200: anyJson("{ entries, nextBefore }"),
      401: err("Missing or unknown API key"),
      403: err("Not an admin key"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/leaderboard",
    summary: "The ranking of a prompt set's variants and their scored runs, per evaluator",
    description:
      "Per evaluator: the ranking as the page shows it (ranking.rows: rank, rank bound, fidelity at the diversity level with CI, resamples, reliability, method version; ranking.pairs: every pair's difference, CI and Holm-adjusted p) and each variant's scored runs, variants in rank order. See /about/ranking.",
    request: { query: leaderboardQuerySchema },
    responses: {
      200: anyJson(
        "{ promptSet, metrics, evaluators: [{ evaluator, fixture, ranking: { methodVersion, diversity, rows, pairs }, variants }] }",
      ),
      ...clientErrors,
      404: err("No such prompt set"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/leaderboard/export",
    summary: "One evaluator's ranking as a CSV or JSON download",
    request: { query: rankingExportQuerySchema },
    responses: {
      200: {
        description:
          "CSV (one row per variant) or JSON ({ methodVersion, evaluator, diversity, settings, rows, pairs })",
      },
      ...clientErrors,
      404: err("No such prompt set or evaluator"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/images/{sha256}",
    summary: "A stored sample image",
    request: { params: z.object({ sha256: z.string() }) },
    responses: { 200: { description: "The image bytes" }, 404: err("Not found") },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/generations",
    summary: "Generate samples on GPU workers",
    description:
      "Creates one run per guidance scale (source generated, status generating), each split into tasks of one prompt × a range of sample indices that GPU workers claim (see the worker routes and docs/reference/worker-protocol.md). Per-sample seeds derive from the request seed. A run is scored once all its samples are in.",
    security: [bearer],
    request: { body: { content: { "application/json": { schema: createGenerationJsonSchema } } } },
    responses: {
      202: anyJson(
        "Accepted: { id, status, seed, runs: [{ id, guidanceScale, pageUrl }], tasks, samples, statusUrl, pageUrl (the generation's page) }",
      ),
      ...writeErrors,
      415: err("Not application/json"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/generations",
    summary: "List generations",
    request: { query: listGenerationsInputSchema },
    responses: { 200: anyJson("{ generations, total, limit, offset }"), ...clientErrors },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/generations/{id}",
    summary: "A generation's status and progress",
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: anyJson(
        "Status (queued|running|done|cancelled|failed), the request, task counts, progress { generated, total }, runs [{ id, guidanceScale, status, generated, scoring }]",
      ),
      404: err("No such generation"),
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/generations/{id}/cancel",
    summary: "Cancel a generation",
    description:
      "Stops handing out its tasks; its runs still generating fail with a 'cancelled: …' error. Tasks in flight may finish. Cancelling twice is harmless.",
    security: [bearer],
    request: { params: z.object({ id: z.string() }) },
    responses: {
      200: anyJson("The cancelled generation"),
      401: err("Missing or unknown API key"),
      404: err("No such generation"),
      409: err("The generation has already ended"),
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/worker/claim",
    summary: "Worker: claim a generation task",
    description:
      "Long poll: answers as soon as a task of a declared variant is queued (or its last worker's lease expired), or 204 after waitSeconds. The task's samples list the indices still to generate, each with its seed.",
    security: [worker],
    request: { body: { content: { "application/json": { schema: claimTaskJsonSchema } } } },
    responses: {
      200: anyJson("{ task: Task } (docs/reference/worker-protocol.md)"),
      204: { description: "Nothing claimable within waitSeconds" },
      401: workerErrors[401],
      422: clientErrors[422],
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/worker/tasks/{id}/heartbeat",
    summary: "Worker: extend the lease on a task",
    security: [worker],
    request: { params: taskParams },
    responses: { 200: anyJson("{ leaseExpiresAt }"), ...workerErrors },
  });
  r.registerPath({
    method: "put",
    path: "/api/v1/worker/tasks/{id}/samples/{index}",
    summary: "Worker: upload one generated sample",
    description:
      "The PNG bytes as the body. Checked like uploads (type, pixel limit, full decode, size). Retries are safe: the same bytes again answer 200.",
    security: [worker],
    request: {
      params: taskParams.extend({ index: z.string().meta({ description: "Sample index within the task's range" }) }),
      body: { content: { "image/png": { schema: z.string().meta({ format: "binary" }) } } },
    },
    responses: {
      201: anyJson("Stored: { stored: true, index, sha256, width, height, seed }"),
      200: anyJson("The same bytes were already stored: { stored: false, … }"),
      ...workerErrors,
      409: err("lease_lost (see above), or conflict: other bytes are stored for that index"),
      413: err("Over T2I_MAX_IMAGE_BYTES"),
      415: err("Not image/png"),
      422: err("Not a valid PNG, or the index is not in the task"),
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/worker/tasks/{id}/complete",
    summary: "Worker: report a task finished",
    security: [worker],
    request: {
      params: taskParams,
      body: { required: false, content: { "application/json": { schema: completeTaskJsonSchema } } },
    },
    responses: {
      200: anyJson("{ taskId, status: done, runId, runStatus }"),
      ...workerErrors,
      422: err("Samples are missing: details.missing lists their indices"),
    },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/worker/tasks/{id}/fail",
    summary: "Worker: report a task failed",
    description:
      "The task goes back to the queue until it has failed maxAttempts times (T2I_GEN_MAX_ATTEMPTS); then its run fails with the reason.",
    security: [worker],
    request: { params: taskParams, body: { content: { "application/json": { schema: failTaskJsonSchema } } } },
    responses: { 200: anyJson("{ retry: boolean }"), ...workerErrors, 422: clientErrors[422] },
  });
  const jobPath = (
    method: "get" | "post",
    rest: string,
    summary: string,
    description: string,
    body: z.ZodType | undefined,
    ok: string,
    query?: z.ZodObject,
  ) =>
    r.registerPath({
      method,
      path: `/api/v1/worker/jobs/{id}/${rest}`,
      summary,
      description,
      security: [worker],
      request: {
        params: jobParams,
        ...(query ? { query } : {}),
        ...(body ? { body: { content: { "application/json": { schema: body } } } } : {}),
      },
      responses: { 200: anyJson(ok), ...jobErrors, 422: clientErrors[422] },
    });
  r.registerPath({
    method: "post",
    path: "/api/v1/worker/jobs/claim",
    summary: "Scoring worker: claim a scoring or reference-metrics job",
    description:
      "Long poll for a job (docs/reference/worker-protocol.md, Scoring jobs). The worker states its evaluator; another evaluator than the service's is a 409 evaluator_mismatch naming both.",
    security: [worker],
    request: { body: { content: { "application/json": { schema: claimJobJsonSchema } } } },
    responses: {
      200: anyJson("{ job: { id, kind, runId, attempts, maxAttempts, leaseExpiresAt } }"),
      204: { description: "Nothing claimable within waitSeconds" },
      401: jobErrors[401],
      409: err("evaluator_mismatch: details.worker and details.required name both evaluators"),
      422: clientErrors[422],
    },
  });
  jobPath(
    "post",
    "heartbeat",
    "Scoring worker: extend the lease on a job",
    "",
    releaseJobJsonSchema,
    "{ leaseExpiresAt }",
  );
  jobPath(
    "post",
    "begin",
    "Scoring worker: start a claimed job",
    "score_run: marks the run scoring and answers { total }; reference_metrics: answers { sets } that apply to the run.",
    jobCallJsonSchema,
    "{ total } or { sets }",
  );
  jobPath(
    "get",
    "samples",
    "Scoring worker: the next chunk of unscored samples",
    "With the cached embeddings (this evaluator) of their images and prompts, base64 float32.",
    undefined,
    "{ samples, images, texts }",
    jobPageQuerySchema,
  );
  jobPath(
    "post",
    "results",
    "Scoring worker: store a chunk's scores and embeddings",
    "Idempotent: scores and embeddings already stored are kept, and a repeated post changes nothing. Refused with 409 lease_lost (nothing written) once another worker holds the job.",
    jobResultsJsonSchema,
    "{ done }: the run's scored samples",
  );
  jobPath(
    "get",
    "run-embeddings",
    "Scoring worker: a page of a run's image embeddings (reference_metrics)",
    "",
    undefined,
    "{ rows: [{ sampleId, promptId, vector }] }",
    jobPageQuerySchema,
  );
  jobPath(
    "get",
    "reference-images",
    "Scoring worker: a page of a reference set's images (reference_metrics)",
    "",
    undefined,
    "{ images, cached }",
    referenceImagesQuerySchema,
  );
  jobPath(
    "post",
    "complete",
    "Scoring worker: finish a job",
    "score_run: the server computes the run's metrics from the stored cosines and embeddings; reference_metrics: results holds one record per applicable reference set. A job already done answers 200 again.",
    completeJobJsonSchema,
    "score_run: { status, failed, reason? }",
  );
  jobPath(
    "post",
    "fail",
    "Scoring worker: report a job attempt failed",
    "Requeued while attempts remain (attempts that made progress do not count); then failed, with its run for score_run.",
    failJobJsonSchema,
    "{ result: requeued | failed }",
  );
  jobPath(
    "post",
    "release",
    "Scoring worker: hand a job back (stopping)",
    "Without using up an attempt.",
    releaseJobJsonSchema,
    "{ released }",
  );
  r.registerPath({
    method: "get",
    path: "/api/v1/worker/images/{sha256}",
    summary: "Worker: a stored image's bytes",
    description:
      "Not rate-limited. With an object store and T2I_STORAGE_REDIRECT, a 302 to a presigned URL (fetch it without the token).",
    security: [worker],
    request: { params: z.object({ sha256: z.string() }) },
    responses: {
      200: { description: "The image bytes" },
      302: { description: "Redirect to a presigned URL of the object store" },
      401: jobErrors[401],
      404: err("No such image"),
      503: err("The object store cannot be reached"),
    },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/evaluators",
    summary: "Evaluators: in use, installed, and the catalogue",
    description:
      "The CLIP evaluator and the image feature spaces (T2I_FEATURE_EXTRACTORS) this server scores with, read from the model folders without loading a model; every model installed by `npm run fetch-model` with the convention it follows (e.g. ViT-L/14 — torchmetrics CLIPScore default, HEIM); and the catalogue with its pinned revisions.",
    responses: { 200: anyJson("{ service: { evaluator, featureSpaces, problems }, installed, catalogue }") },
  });
  r.registerPath({
    method: "get",
    path: "/api/v1/health",
    summary: "Liveness, whether scoring works, and the evaluator in use",
    description:
      "scoring: { status: ok | stopped, reasons, loops: [{ id, state, since, lastBeatAt, lastBeatAgeMs, restarts, jobId?, lastError? }], queue: { queued, liveLeases, queuedByLane, oldestQueuedAgeS } }. 503 when scoring has stopped: the server's scoring thread died (it is restarted with backoff), keeps failing or went silent for T2I_SCORING_STALE_MS, or work has waited T2I_SCORING_STALL_MS with no worker holding a job.",
    responses: {
      200: anyJson("{ status: ok, evaluator, rescore, scoring }"),
      503: anyJson("{ status: scoring_stopped, evaluator, rescore, scoring } with scoring.reasons"),
    },
  });

  return new OpenApiGeneratorV31(r.definitions).generateDocument({
    openapi: "3.1.0",
    info: {
      title: "t2i-eval API",
      version: "1",
      description:
        "CLIP-score fidelity and pairwise diversity for text-to-image samples. Reads are public; writes need an API key. Errors are { error: { code, message, details? } }. CLIPScore uses the torchmetrics convention (100·cos, mean clamped at 0); every score names its evaluator.",
    },
    servers: [{ url: "/" }],
  });
}

let cached: ReturnType<typeof build> | undefined;
export function openApiDocument() {
  return (cached ??= build());
}

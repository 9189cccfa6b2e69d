// The OpenAPI 3.1 document, generated from the same zod schemas the routes validate with.
import { OpenAPIRegistry, OpenApiGeneratorV31 } from "@asteasolutions/zod-to-openapi";
import { z } from "zod";
import { conditioningTypeSchema } from "../../db/schema";
import { listRunsInputSchema } from "../runs/list-runs";
import { jsonImagesSchema } from "../uploads";
import { createPromptSetJsonSchema, createVariantJsonSchema, errorBodySchema, leaderboardQuerySchema, promptSetQuerySchema, runUploadFieldsSchema } from "./schemas";

const bearer = { bearerAuth: [] as string[] };
const json = (schema: z.ZodType, description: string) => ({ description, content: { "application/json": { schema } } });
const anyJson = (description: string) => json(z.record(z.string(), z.unknown()), description);
const err = (description: string) => json(errorBodySchema, description);
const clientErrors = {
  400: err("Malformed request"),
  422: err("Validation failed; details name the offending fields, files, entries or manifest line"),
  429: err("Rate limited; see the Retry-After header"),
};
const writeErrors = { ...clientErrors, 401: err("Missing or unknown API key") };

function build() {
  const r = new OpenAPIRegistry();
  r.registerComponent("securitySchemes", "bearerAuth", {
    type: "http",
    scheme: "bearer",
    description: "API key made with `npm run apikey -- create --name NAME`",
  });

  const uploadBody = runUploadFieldsSchema.extend({
    archive: z.string().meta({ format: "binary", description: "A .zip, .tar or .tar.gz holding manifest.jsonl or manifest.csv (file, prompt or prompt_id, seed) and the images." }).optional(),
    manifest: z.string().meta({ format: "binary", description: "Instead of an archive: the manifest file…" }).optional(),
    images: z.array(z.string().meta({ format: "binary" })).optional().meta({ description: "…and the image files, each part's filename matching a manifest row." }),
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/runs",
    summary: "Upload a sample batch as a run",
    description:
      "Streams the upload to disk, validates every file (type, size, pixels, archive paths, manifest) and answers 202 with the run id; scoring happens in the background. An identical re-upload returns the existing run (200, duplicate: true). A rejected upload leaves no rows and no files.",
    security: [bearer],
    request: { body: { content: { "multipart/form-data": { schema: uploadBody } } } },
    responses: {
      202: anyJson("Accepted: { id, status, statusUrl, pageUrl, duplicate, samples }"),
      200: anyJson("Identical upload already stored: the existing run"),
      ...writeErrors,
      413: err("Upload, archive, manifest or an image over the configured limits"),
      415: err("Not multipart/form-data"),
    },
  });
  r.registerPath({ method: "get", path: "/api/v1/runs", summary: "List runs", request: { query: listRunsInputSchema }, responses: { 200: anyJson("{ runs, total, limit, offset }"), ...clientErrors } });
  r.registerPath({
    method: "get",
    path: "/api/v1/runs/{id}",
    summary: "A run's status, progress and metrics",
    request: { params: z.object({ id: z.string() }), query: z.object({ evaluator: z.string().optional() }) },
    responses: { 200: anyJson("Status (queued|scoring|scored|failed), progress {done,total}, evaluator, run metrics with CIs, per-prompt metrics, sample errors"), 404: err("No such run") },
  });
  r.registerPath({
    method: "post",
    path: "/api/v1/metrics",
    summary: "Score a small batch synchronously",
    description: "Same JSON as `npm run score -- --format json`: evaluator, items, groups, summary. Nothing is stored. Larger batches (see T2I_METRICS_MAX_IMAGES / T2I_METRICS_MAX_BYTES) get 413 pointing to /api/v1/runs.",
    request: {
      query: z.object({ seed: z.coerce.number().int().min(0).optional() }),
      body: {
        content: {
          "application/json": { schema: jsonImagesSchema },
          "multipart/form-data": { schema: z.object({ manifest: z.string().meta({ format: "binary" }), images: z.array(z.string().meta({ format: "binary" })) }) },
        },
      },
    },
    responses: { 200: anyJson("{ evaluator, metrics, items, groups, summary }"), ...clientErrors, 413: err("Batch too large for the synchronous endpoint: use /api/v1/runs"), 415: err("Unsupported content type") },
  });
  r.registerPath({ method: "get", path: "/api/v1/prompt-sets", summary: "List prompt sets", request: { query: z.object({ includeImplicit: z.enum(["true", "false"]).optional() }) }, responses: { 200: anyJson("{ promptSets }") } });
  r.registerPath({
    method: "post",
    path: "/api/v1/prompt-sets",
    summary: "Create a prompt set (or a new version of one)",
    security: [bearer],
    request: {
      body: {
        content: {
          "application/json": { schema: createPromptSetJsonSchema },
          "multipart/form-data": { schema: z.object({ name: z.string(), description: z.string().optional(), file: z.string().meta({ format: "binary", description: "JSONL or CSV: id?, prompt, category?" }) }) },
        },
      },
    },
    responses: { 201: anyJson("Created"), 200: anyJson("Identical to the latest version: that version"), ...writeErrors, 409: err("That version exists") },
  });
  r.registerPath({ method: "get", path: "/api/v1/prompt-sets/{id}", summary: "A prompt set with its prompts", request: { params: z.object({ id: z.string() }), query: promptSetQuerySchema }, responses: { 200: anyJson("The prompt set"), 404: err("Not found") } });
  r.registerPath({ method: "get", path: "/api/v1/variants", summary: "List conditioning variants", responses: { 200: anyJson("{ variants }") } });
  r.registerPath({
    method: "post",
    path: "/api/v1/variants",
    summary: "Register a conditioning variant",
    description: `Conditioning types: ${conditioningTypeSchema.options.join(", ")}.`,
    security: [bearer],
    request: { body: { content: { "application/json": { schema: createVariantJsonSchema } } } },
    responses: { 201: anyJson("Created"), ...writeErrors, 409: err("Name taken") },
  });
  r.registerPath({ method: "get", path: "/api/v1/variants/{id}", summary: "A variant", request: { params: z.object({ id: z.string() }) }, responses: { 200: anyJson("The variant"), 404: err("Not found") } });
  r.registerPath({
    method: "get",
    path: "/api/v1/leaderboard",
    summary: "Each variant's scored runs on a prompt set, per evaluator",
    request: { query: leaderboardQuerySchema },
    responses: { 200: anyJson("{ promptSet, metrics, evaluators: [{ evaluator, fixture, variants }] }"), ...clientErrors, 404: err("No such prompt set") },
  });
  r.registerPath({ method: "get", path: "/api/v1/images/{sha256}", summary: "A stored sample image", request: { params: z.object({ sha256: z.string() }) }, responses: { 200: { description: "The image bytes" }, 404: err("Not found") } });
  r.registerPath({ method: "get", path: "/api/v1/health", summary: "Liveness and the evaluator in use", responses: { 200: anyJson("{ status, evaluator }") } });

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

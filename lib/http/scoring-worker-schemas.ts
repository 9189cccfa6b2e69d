// The scoring worker protocol's bodies (docs/reference/worker-protocol.md, "Scoring jobs"): what
// the server routes (app/api/v1/worker/jobs/) parse and the remote worker
// (lib/workers/remote/) sends and reads, in one place. Request bodies ignore unknown keys, so a
// newer worker can send more than this server reads. Embedding vectors travel as base64 of
// their float32 little-endian bytes (as stored: lib/embeddings/vector-codec.ts).
import { z } from "zod";
import { AppError } from "../core/errors";
import { EVALUATOR_KINDS } from "../../db/schema/evaluators";
import { JOB_KINDS } from "../../db/schema/jobs";
import { decodeVector, encodeVector } from "../embeddings/vector-codec";

/** Long polls end after at most this many seconds (claim answers 204). */
export const MAX_JOB_WAIT_SECONDS = 30;
/** Samples one GET /samples may ask for (T2I_SCORE_CHUNK's maximum). */
export const MAX_CHUNK = 4096;
/** Dimensions of an embedding vector the server accepts. */
export const MAX_DIM = 4096;

const SHA256 = /^[0-9a-f]{64}$/;

export const workerIdSchema = z
  .string()
  .regex(/^[\w.:@-]{1,100}$/, "1–100 letters, digits or . : @ - _")
  .meta({
    description: "Names this worker process; with the token it owns the job's lease (default host:pid:random).",
  });

export const evaluatorIdentitySchema = z
  .object({
    id: z.string().min(1).max(200),
    name: z.string().min(1).max(500),
    variant: z.string().min(1).max(50),
    isFixture: z.boolean(),
    files: z
      .array(z.object({ path: z.string().min(1).max(500), sha256: z.string().regex(SHA256) }))
      .min(1)
      .max(50),
    /** A scoring worker's evaluator is a CLIP; image feature extractors (kind image-features) score nothing alone. */
    kind: z.enum(EVALUATOR_KINDS).default("clip"),
    /** An image feature extractor's preprocessing recipe (part of its id); absent for a CLIP. */
    recipe: z.string().min(1).max(100).optional(),
  })
  .meta({ id: "EvaluatorIdentity", description: "The evaluator's name, variant and the SHA-256 of each model file." });

export const claimJobJsonSchema = z
  .object({
    workerId: workerIdSchema,
    evaluator: evaluatorIdentitySchema,
    waitSeconds: z
      .number()
      .min(0)
      .default(0)
      .meta({ description: `Long poll: wait up to this many seconds (at most ${MAX_JOB_WAIT_SECONDS}) for a job.` }),
  })
  .meta({ id: "ClaimJob" });

export const claimedJobSchema = z.object({
  id: z.number().int(),
  kind: z.enum(JOB_KINDS),
  runId: z.string(),
  attempts: z.number().int(),
  maxAttempts: z.number().int(),
  /** The job's lane (JOB_LANES: 0 scoring, 1 follow_up, 2 bulk); a lower lane commits in smaller chunks. */
  priority: z.number().int().min(0).default(0),
  leaseExpiresAt: z.string(),
});
export type ClaimedJobBody = z.infer<typeof claimedJobSchema>;
export const claimJobResponseSchema = z.object({ job: claimedJobSchema });

/** Every call on a claimed job names the worker (the lease) and its evaluator (checked against the job's). */
export const jobCallSchema = z.object({ workerId: workerIdSchema, evaluatorId: z.string().min(1).max(200) });
export const jobCallJsonSchema = jobCallSchema.meta({ id: "JobCall" });

export const jobPageQuerySchema = jobCallSchema.extend({
  after: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(MAX_CHUNK).default(64),
});

export const referenceImagesQuerySchema = jobPageQuerySchema.extend({ set: z.string().min(1).max(100) });

export const vectorSchema = z
  .string()
  .max(Math.ceil((MAX_DIM * 4) / 3) + 4)
  .meta({ description: "base64 of the float32 little-endian values" });

export const embeddingSchema = z.object({
  kind: z.enum(["image", "text"]),
  key: z.string().regex(SHA256),
  vector: vectorSchema,
  truncated: z.boolean().optional(),
  tokenCount: z.number().int().min(0).optional(),
});

export const sampleScoreSchema = z.object({
  sampleId: z.number().int().min(1),
  cosine: z.number().min(-1.001).max(1.001).nullable(),
  errorCode: z.string().max(100).nullable(),
  errorMessage: z.string().max(2000).nullable(),
});

export const jobResultsJsonSchema = jobCallSchema
  .extend({
    scores: z.array(sampleScoreSchema).max(MAX_CHUNK).default([]),
    embeddings: z
      .array(embeddingSchema)
      .max(2 * MAX_CHUNK)
      .default([]),
    imagesEmbedded: z.number().int().min(0).default(0),
    imageCacheHits: z.number().int().min(0).default(0),
  })
  .meta({ id: "JobResults" });
export type JobResultsBody = z.input<typeof jobResultsJsonSchema>;

/** One run-vs-reference record (lib/reference-sets/reference-metrics.ts); the server checks the labels, not the numbers. */
export const referenceMetricsRecordSchema = z.looseObject({
  version: z.number().int(),
  referenceSet: z.looseObject({ id: z.string(), name: z.string(), version: z.number().int(), perPrompt: z.boolean() }),
  evaluator: z.looseObject({ id: z.string(), name: z.string() }),
});

export const completeJobJsonSchema = jobCallSchema
  .extend({ results: z.array(referenceMetricsRecordSchema).max(1000).optional() })
  .meta({ id: "CompleteJob" });

export const failJobJsonSchema = z
  .object({
    workerId: workerIdSchema,
    error: z.string().max(1_000_000),
    retry: z
      .boolean()
      .default(true)
      .meta({ description: "false: the error will not pass on a retry (the job fails at once)" }),
  })
  .meta({ id: "FailJob" });

export const releaseJobJsonSchema = z.object({ workerId: workerIdSchema }).meta({ id: "ReleaseJob" });

// Answers (the worker parses them with these).
export const heartbeatJobResponseSchema = z.object({ leaseExpiresAt: z.string() });
export const beginScoreRunResponseSchema = z.object({ total: z.number().int().min(0) });
export const referenceSetInputSchema = z.object({
  id: z.string(),
  name: z.string(),
  version: z.number().int(),
  promptSetId: z.string().nullable(),
});
export const beginReferenceMetricsResponseSchema = z.object({ sets: z.array(referenceSetInputSchema) });
export const samplesResponseSchema = z.object({
  samples: z.array(z.object({ sampleId: z.number().int(), sha256: z.string(), format: z.string(), text: z.string() })),
  images: z.record(z.string(), vectorSchema),
  texts: z.record(
    z.string(),
    z.object({ vector: vectorSchema, truncated: z.boolean().nullable(), tokenCount: z.number().int().nullable() }),
  ),
});
export const resultsResponseSchema = z.object({ done: z.number().int().optional() });
export const runEmbeddingsResponseSchema = z.object({
  rows: z.array(z.object({ sampleId: z.number().int(), promptId: z.number().int(), vector: vectorSchema.nullable() })),
});
export const referenceImagesResponseSchema = z.object({
  images: z.array(
    z.object({ id: z.number().int(), sha256: z.string(), format: z.string(), promptId: z.number().int().nullable() }),
  ),
  cached: z.record(z.string(), vectorSchema),
});
export const completeScoreRunResponseSchema = z.object({
  status: z.enum(["scored", "failed"]),
  failed: z.number().int(),
  reason: z.string().optional(),
});
export const failJobResponseSchema = z.object({ result: z.enum(["requeued", "failed", "not_owner"]) });

export function vectorToBase64(v: Float32Array): string {
  return encodeVector(v).toString("base64");
}

/** Decodes a base64 vector; throws AppError-free Error on a bad length (the routes map it to 422). */
export function vectorFromBase64(s: string): Float32Array {
  const bytes = Buffer.from(s, "base64");
  if (bytes.byteLength === 0 || bytes.byteLength % 4 !== 0 || bytes.byteLength > MAX_DIM * 4)
    throw new Error(`an embedding of ${bytes.byteLength} bytes is not a float32 vector of 1–${MAX_DIM} values`);
  const v = decodeVector(bytes);
  for (let i = 0; i < v.length; i++)
    if (!Number.isFinite(v[i]!)) throw new Error("an embedding has a value that is not a finite number");
  return v;
}

/** The job id of a /worker/jobs/{id}/… path; a non-number is no job (404). */
export function jobIdParam(id: string): number {
  if (!/^\d{1,15}$/.test(id)) throw new AppError("not_found", `no job with id "${id.slice(0, 40)}"`);
  return Number(id);
}

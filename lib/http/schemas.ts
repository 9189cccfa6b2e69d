// Request schemas of the REST API: the routes validate with these and /api/v1/openapi.json is
// generated from them, so the documentation cannot drift from what is enforced.
import { z } from "zod";
import { listAuditInputSchema } from "../audit/list-audit";
import { runSourceFilterSchema } from "../runs/ranked-runs-filter";
import { httpUrlSchema } from "../variants/create-variant";
import { updateVariantInputSchema } from "../variants/update-variant";
import { conditioningTypeSchema } from "../../db/schema/index";
import { MAX_WAIT_SECONDS } from "../generation/claim-task";
import { createGenerationInputSchema } from "../generation/create-generation";
import { diversityLevelSchema } from "../ranking/settings";
import { decimalNumber } from "../core/decimal-number";

const optionalText = (max: number) => z.string().trim().min(1).max(max).optional();

/** Text fields of the multipart upload to POST /api/v1/runs (files: `archive`, or `manifest` + `images`). */
export const runUploadFieldsSchema = z
  .object({
    variant: z.string().trim().min(1).max(100).meta({
      description:
        "Variant name; registered with POST /api/v1/variants, or created here when conditioningType is given.",
    }),
    guidanceScale: decimalNumber((n) => n.min(0).max(1000)).meta({
      description: "Classifier-free guidance scale the samples were made with.",
    }),
    promptSet: optionalText(100).meta({
      description:
        "Named prompt set the manifest's prompts or prompt_ids must belong to; without one the upload's prompts form an implicit set.",
    }),
    promptSetVersion: decimalNumber((n) => n.int().min(1)).optional(),
    sampler: optionalText(100),
    steps: decimalNumber((n) => n.int().min(1).max(100_000)).optional(),
    seedPolicy: optionalText(200).meta({ description: "How seeds were chosen, e.g. 'per-sample: seed column'." }),
    conditioningType: conditioningTypeSchema
      .optional()
      .meta({ description: "Creates the variant if it does not exist yet." }),
    variantDescription: optionalText(5000),
    model: optionalText(500).meta({ description: "Model/backbone, recorded when the variant is created here." }),
  })
  .strict()
  .meta({ id: "RunUploadFields" });
export type RunUploadFields = z.infer<typeof runUploadFieldsSchema>;

/** Text fields of the multipart upload to POST /api/v1/reference-sets (files as for runs: `archive`, or `manifest` + `images`). */
export const referenceSetUploadFieldsSchema = z
  .object({
    name: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .meta({ description: "Reference set name; uploading an existing name makes its next version." }),
    description: optionalText(2000),
    promptSet: optionalText(100).meta({
      description:
        "Prompt set (name or id) whose prompts the manifest's prompt / prompt_id name: per-prompt references. Omit for a global set (the manifest's prompts are then ignored).",
    }),
    promptSetVersion: decimalNumber((n) => n.int().min(1)).optional(),
  })
  .strict()
  .meta({ id: "ReferenceSetUploadFields" });

export const runIdParamsSchema = z.object({ id: z.string().min(1).max(100) });

export const promptSetQuerySchema = z.object({ version: decimalNumber((n) => n.int().min(1)).optional() });

/** The diversity level the ranking compares fidelity at (lib/ranking settings.ts); omitted = the default level. */
const diversityLevelQuery = z.coerce.number().pipe(diversityLevelSchema).optional().meta({
  description:
    "Diversity level (0–2) at which fidelity is compared; default: the highest diversity every variant's curve reaches.",
});

export const leaderboardQuerySchema = z
  .object({
    promptSet: z.string().trim().min(1).max(200).meta({ description: "Prompt set name or id." }),
    version: decimalNumber((n) => n.int().min(1)).optional(),
    includeDemo: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    diversity: diversityLevelQuery,
    source: runSourceFilterSchema.optional().meta({
      description:
        "Only uploaded, generated or demo runs (default: all). Hidden runs and variants are always left out.",
    }),
  })
  .meta({ id: "LeaderboardQuery" });

/** GET /api/v1/leaderboard/export: one evaluator's ranking as CSV or JSON. */
export const rankingExportQuerySchema = z
  .object({
    promptSet: z.string().trim().min(1).max(200),
    version: decimalNumber((n) => n.int().min(1)).optional(),
    evaluator: z.string().max(200).optional(),
    includeDemo: z
      .enum(["true", "false"])
      .default("true")
      .transform((v) => v === "true"),
    diversity: diversityLevelQuery,
    table: z.enum(["ranking", "pairs"]).default("ranking").meta({
      description: "ranking: one row per variant; pairs: the pairwise matrix, one row per pair of ranked variants.",
    }),
    format: z.enum(["csv", "json"]).default("json"),
  })
  .meta({ id: "RankingExportQuery" });

export const createPromptSetJsonSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    version: z.number().int().min(1).optional(),
    description: z.string().max(5000).optional(),
    prompts: z
      .array(
        z
          .object({
            id: z.string().trim().min(1).max(200).optional(),
            prompt: z.string().trim().min(1).max(10_000),
            category: z.string().trim().max(200).optional(),
          })
          .strict(),
      )
      .min(1),
  })
  .strict()
  .meta({ id: "CreatePromptSet" });

export const createVariantJsonSchema = z
  .object({
    name: z.string().trim().min(1).max(100),
    conditioningType: conditioningTypeSchema,
    description: z.string().max(5000).optional(),
    model: z.string().max(500).optional(),
    links: z.array(httpUrlSchema).max(20).optional(),
  })
  .strict()
  .meta({ id: "CreateVariant" });

/** POST /api/v1/runs/{id}/hide and /api/v1/variants/{id}/hide. */
export const hideJsonSchema = z
  .object({ reason: z.string().max(1000).meta({ description: "Why it is hidden; shown to readers." }) })
  .strict()
  .meta({ id: "Hide" });

/** PATCH /api/v1/variants/{id}. */
export const updateVariantJsonSchema = updateVariantInputSchema.meta({ id: "UpdateVariant" });

/** GET /api/v1/audit. */
export const auditQuerySchema = listAuditInputSchema.meta({ id: "AuditQuery" });

/** GET /api/v1/plot-data: which plot, and as CSV or JSON. */
export const plotDataQuerySchema = z.object({
  view: z.enum(["leaderboard", "variant", "compare"]).default("leaderboard"),
  promptSet: z.string().trim().min(1).max(200),
  version: decimalNumber((n) => n.int().min(1)).optional(),
  evaluator: z.string().max(200).optional(),
  variant: z.string().max(200).optional(),
  a: z.string().max(200).optional(),
  b: z.string().max(200).optional(),
  includeDemo: z.enum(["true", "false"]).default("true"),
  diversity: diversityLevelQuery,
  source: runSourceFilterSchema.optional(),
  format: z.enum(["csv", "json"]).default("json"),
});

/** GET /api/v1/runs/{id}/prompts: a run's per-prompt metrics as CSV or JSON. */
export const promptMetricsQuerySchema = z.object({
  evaluator: z
    .string()
    .max(200)
    .optional()
    .meta({ description: "Evaluator id; default: the one that last scored the run." }),
  format: z.enum(["json", "csv"]).default("json"),
});

/** POST /api/v1/generations: the verb's own input schema, which is strict already. */
export const createGenerationJsonSchema = createGenerationInputSchema.meta({ id: "CreateGeneration" });

// The worker protocol's bodies (docs/reference/worker-protocol.md) ignore unknown keys, so that a newer
// worker can send more than this server reads.
export const claimTaskJsonSchema = z
  .object({
    variants: z
      .array(z.string().trim().min(1).max(100))
      .min(1)
      .max(100)
      .meta({ description: "Variant names this worker can generate; only their tasks are handed out." }),
    waitSeconds: z
      .number()
      .min(0)
      .default(0)
      .meta({
        description: `Long poll: wait up to this many seconds (at most ${MAX_WAIT_SECONDS}) for a task before answering 204.`,
      }),
  })
  .meta({ id: "ClaimTask" });

/** Optional body of POST /worker/tasks/{id}/complete: what made the samples (shown on the run page). Older workers send none. */
export const completeTaskJsonSchema = z
  .object({
    engine: z
      .string()
      .trim()
      .min(1)
      .max(100)
      .optional()
      .meta({ description: 'The worker\'s engine, e.g. "onnx" or "command".' }),
    model: z
      .object({
        name: z.string().trim().min(1).max(500).optional().meta({ description: "The model folder's name." }),
        sha256: z
          .string()
          .regex(/^[0-9a-f]{64}$/, "must be a lowercase hex sha256")
          .optional()
          .meta({
            description:
              "SHA-256 over the folder's files: each file's relative path and SHA-256, sorted by path (lib/generation/worker-client/model-digest.ts).",
          }),
      })
      .optional(),
  })
  .meta({ id: "CompleteTask" });
export type CompleteTaskBody = z.infer<typeof completeTaskJsonSchema>;

export const failTaskJsonSchema = z
  .object({
    error: z
      .string()
      .max(1_000_000)
      .meta({ description: "What went wrong, e.g. the tail of stderr; the last 2000 characters are kept." }),
  })
  .meta({ id: "FailTask" });

export const errorBodySchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .meta({ id: "Error" });

/** Parses search params with a schema; failures are 422 naming the parameter. */
export function parseQuery<T extends z.ZodType>(url: string, schema: T): z.output<T> {
  const params = Object.fromEntries(new URL(url).searchParams);
  return schema.parse(params);
}

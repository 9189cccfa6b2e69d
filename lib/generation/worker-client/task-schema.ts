// The response bodies of docs/reference/worker-protocol.md (v1), validated on arrival: a worker must not
// start generating from a task it misread.
import { z } from "zod";

const isoDateSchema = z.string().refine((s) => Number.isFinite(Date.parse(s)), { message: "not a date-time" });

export const taskSampleSchema = z.object({
  index: z.number().int().min(0),
  // seed = first 4 bytes of SHA-256(...) read as a big-endian uint32
  seed: z.number().int().min(0).max(0xffffffff),
});

export const taskSchema = z.object({
  id: z.string().min(1),
  leaseExpiresAt: isoDateSchema,
  attempt: z.number().int().min(0),
  generationId: z.string(),
  runId: z.string(),
  variant: z.string(),
  prompt: z.object({ id: z.string(), text: z.string() }),
  negativePrompt: z.string().nullable(),
  guidanceScale: z.number(),
  steps: z.number().int().min(1),
  sampler: z.string(),
  width: z.number().int().min(1),
  height: z.number().int().min(1),
  samples: z
    .array(taskSampleSchema)
    .min(1)
    .refine((s) => new Set(s.map((x) => x.index)).size === s.length, { message: "sample indexes repeat" }),
});
export type Task = z.infer<typeof taskSchema>;
export type TaskSample = z.infer<typeof taskSampleSchema>;

export const claimResponseSchema = z.object({ task: taskSchema });
/** Just enough of a claim answer to report a task this worker cannot read. */
export const claimedIdSchema = z.object({ task: z.object({ id: z.string().min(1) }) });
export const heartbeatResponseSchema = z.object({ leaseExpiresAt: isoDateSchema });
export const failResponseSchema = z.object({ retry: z.boolean() });
export const errorBodySchema = z.object({
  error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }),
});
export const missingSamplesDetailsSchema = z.object({ missing: z.array(z.number().int()) });

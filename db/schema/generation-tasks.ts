import { sql } from "drizzle-orm";
import { z } from "zod";
import { check, createdAt, index, integer, oneOf, table, text, timestamp, updatedAt } from "./column-helpers";
import { generations } from "./generations";
import { prompts } from "./prompts";
import { runs } from "./runs";
import { workerTokens } from "./worker-tokens";

export const TASK_STATUSES = ["queued", "running", "done", "failed", "cancelled"] as const;
export const taskStatusSchema = z.enum(TASK_STATUSES);
export type TaskStatus = z.infer<typeof taskStatusSchema>;

/** One prompt × a range of sample indices [sampleFrom, sampleTo) of one run, leased to a GPU worker. */
export const generationTasks = table(
  "generation_tasks",
  {
    /** `task_<random>`. */
    id: text("id").primaryKey(),
    generationId: text("generation_id")
      .notNull()
      .references(() => generations.id, { onDelete: "cascade" }),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    promptId: integer("prompt_id")
      .notNull()
      .references(() => prompts.id),
    sampleFrom: integer("sample_from").notNull(),
    sampleTo: integer("sample_to").notNull(),
    /** Claim order within the generation: run by run, so the first runs are scored while later ones generate. */
    position: integer("position").notNull(),
    status: text("status", { enum: TASK_STATUSES }).notNull().default("queued"),
    /** The worker token holding the lease. */
    leaseOwner: text("lease_owner").references(() => workerTokens.id),
    leaseExpiresAt: timestamp("lease_expires_at"),
    heartbeatAt: timestamp("heartbeat_at"),
    /** Claims so far, including the current one. */
    attempts: integer("attempts").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    lastError: text("last_error"),
    /** Provenance reported by the worker that completed the task (docs/reference/worker-protocol.md). */
    engine: text("engine"),
    modelName: text("model_name"),
    /** SHA-256 over the model folder's files (path and hash of each, sorted). */
    modelSha256: text("model_sha256"),
    completedBy: text("completed_by").references(() => workerTokens.id),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
    finishedAt: timestamp("finished_at"),
  },
  (t) => [
    // Claims look for expired leases by (status, lease_expires_at) and take queued tasks in (created_at, generation_id, position) order.
    index("generation_tasks_status_lease_idx").on(t.status, t.leaseExpiresAt),
    index("generation_tasks_queue_idx").on(t.status, t.createdAt, t.generationId, t.position),
    index("generation_tasks_generation_idx").on(t.generationId, t.position),
    index("generation_tasks_run_idx").on(t.runId),
    check("generation_tasks_status_ck", oneOf(t.status, TASK_STATUSES)),
    check("generation_tasks_range_ck", sql`${t.sampleFrom} >= 0 and ${t.sampleTo} > ${t.sampleFrom}`),
  ],
);

export type GenerationTaskRow = typeof generationTasks.$inferSelect;
export type NewGenerationTaskRow = typeof generationTasks.$inferInsert;

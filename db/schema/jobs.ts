import { z } from "zod";
import { check, createdAt, index, integer, oneOf, table, text, timestamp, updatedAt } from "./column-helpers";
import { runs } from "./runs";

/** score_run: embed and score a run; reference_metrics: its distribution metrics against the applicable reference sets. */
export const JOB_KINDS = ["score_run", "reference_metrics"] as const;
export type JobKind = (typeof JOB_KINDS)[number];

/**
 * Lanes of the queue, claimed in this order (claim-job.ts): `scoring` (a new upload, a retry, a
 * finished generation: what a user waits for), `follow_up` (a run's own comparisons once it is
 * scored, a single re-score), `bulk` (comparisons a new reference set queues for every run it
 * applies to, `runs rescore --all`). Stored as the job's priority, the lane's index.
 */
export const JOB_LANES = ["scoring", "follow_up", "bulk"] as const;
export type JobLane = (typeof JOB_LANES)[number];
export const lanePriority = (lane: JobLane): number => JOB_LANES.indexOf(lane);
export const laneOfPriority = (priority: number): JobLane => JOB_LANES[priority] ?? "bulk";

export const JOB_STATUSES = ["queued", "running", "done", "failed"] as const;
export const jobStatusSchema = z.enum(JOB_STATUSES);
export type JobStatus = z.infer<typeof jobStatusSchema>;

/** Durable work queue with leases (lib/jobs/). */
export const jobs = table(
  "jobs",
  {
    /** Autoincrement, so the oldest job has the smallest id. */
    id: integer("id").primaryKey({ autoIncrement: true }),
    kind: text("kind", { enum: JOB_KINDS }).notNull(),
    runId: text("run_id")
      .notNull()
      .references(() => runs.id, { onDelete: "cascade" }),
    status: text("status", { enum: JOB_STATUSES }).notNull().default("queued"),
    leaseOwner: text("lease_owner"),
    leaseExpiresAt: timestamp("lease_expires_at"),
    heartbeatAt: timestamp("heartbeat_at"),
    /** Claims since the run last made progress, including the current one (claim-job.ts). */
    attempts: integer("attempts").notNull().default(0),
    /** The run's progressDone when the job was last claimed: a later claim that finds more made no attempt count. */
    progressMark: integer("progress_mark").notNull().default(0),
    maxAttempts: integer("max_attempts").notNull().default(3),
    lastError: text("last_error"),
    /** Lower first: the index of the job's lane in JOB_LANES. */
    priority: integer("priority").notNull().default(0),
    /** The API key on whose behalf it was queued (fair share within a lane); null: the server's own. No foreign key: jobs outlive nothing, keys are never deleted. */
    apiKeyId: text("api_key_id"),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index("jobs_status_lease_idx").on(t.status, t.leaseExpiresAt),
    index("jobs_run_idx").on(t.runId),
    index("jobs_claim_idx").on(t.status, t.priority, t.id),
    index("jobs_key_served_idx").on(t.apiKeyId, t.priority, t.heartbeatAt),
    check("jobs_kind_ck", oneOf(t.kind, JOB_KINDS)),
    check("jobs_status_ck", oneOf(t.status, JOB_STATUSES)),
  ],
);

export type JobRow = typeof jobs.$inferSelect;
export type NewJobRow = typeof jobs.$inferInsert;

// Whether a job row still exists (deleting a run deletes its jobs with it).
import { eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { jobs } from "../../db/schema";

export function jobExists(jobId: number): boolean {
  return getDb().select({ id: jobs.id }).from(jobs).where(eq(jobs.id, jobId)).get() !== undefined;
}

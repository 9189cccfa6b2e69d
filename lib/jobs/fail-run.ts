// Marks a run failed with a reason (inside the caller's transaction).
import { eq } from "drizzle-orm";
import type { DbOrTx } from "../../db/client";
import { runs } from "../../db/schema";

export function failRun(tx: DbOrTx, runId: string, reason: string, now = Date.now()): void {
  tx.update(runs)
    .set({ status: "failed", error: reason, finishedAt: new Date(now) })
    .where(eq(runs.id, runId))
    .run();
}

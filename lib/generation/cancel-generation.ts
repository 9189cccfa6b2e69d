// Cancels a generation: its queued tasks are cancelled, so no worker gets them any more, and
// its runs still generating fail with "cancelled: …" (runs whose samples were all in already
// are scored as usual). Tasks in flight may finish; their samples are kept but change nothing.
// Cancelling again answers the same; a generation that has ended cannot be cancelled (409).
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generations, generationTasks, runs } from "../../db/schema";
import { AppError } from "../errors";
import { getGenerationOrThrow, type GenerationView } from "./get-generation-or-throw";
import { failGeneratedRun } from "./settle-generation";

export function cancelGeneration(id: string, opts: { now?: number } = {}): GenerationView {
  const now = opts.now ?? Date.now();
  return getDb().transaction(
    (tx) => {
      const g = getGenerationOrThrow(id, tx);
      if (g.status === "cancelled") return g;
      if (g.status === "done" || g.status === "failed") throw new AppError("conflict", `generation ${id} has already ${g.status === "done" ? "finished" : "failed"}; there is nothing to cancel`, { status: g.status });
      const reason = `cancelled: generation ${id} was cancelled before this run's samples were all generated`;
      for (const run of tx.select({ id: runs.id }).from(runs).where(and(eq(runs.generationId, id), eq(runs.status, "generating"))).all()) failGeneratedRun(tx, run.id, reason, now);
      tx.update(generationTasks)
        .set({ status: "cancelled", finishedAt: new Date(now) })
        .where(and(eq(generationTasks.generationId, id), eq(generationTasks.status, "queued")))
        .run();
      tx.update(generations).set({ status: "cancelled", error: "cancelled on request", finishedAt: new Date(now) }).where(eq(generations.id, id)).run();
      return getGenerationOrThrow(id, tx);
    },
    { behavior: "immediate" },
  );
}

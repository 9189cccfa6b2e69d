// Cancels a generation: its queued tasks are cancelled, so no worker gets them any more, and
// its runs still generating fail with "cancelled: …" (runs whose samples were all in already
// are scored as usual). Tasks in flight may finish; their samples are kept but change nothing.
// Cancelling again answers the same; a generation that has ended cannot be cancelled (409).
import { and, eq } from "drizzle-orm";
import { getDb } from "../../db/client";
import { generations, generationTasks, runs } from "../../db/schema";
import { recordAudit } from "../audit/record-audit";
import { authorizeMutation, type Actor } from "../auth/authorize-mutation";
import { AppError } from "../core/errors";
import { getGenerationOrThrow, type GenerationView } from "./get-generation-or-throw";
import { failGeneratedRun } from "./settle-generation";

/** `actor`: the key asking; only the generation's own key or an admin key may cancel it (403 otherwise). */
export function cancelGeneration(id: string, actor: Actor, opts: { now?: number } = {}): GenerationView {
  const now = opts.now ?? Date.now();
  return getDb().transaction(
    (tx) => {
      const g = getGenerationOrThrow(id, tx);
      const owner = tx
        .select({ apiKeyId: generations.apiKeyId })
        .from(generations)
        .where(eq(generations.id, id))
        .get()!;
      authorizeMutation(actor, { kind: "generation", id, ownerKeyId: owner.apiKeyId }, "cancel");
      if (g.status === "cancelled") return g;
      if (g.status === "done" || g.status === "failed")
        throw new AppError(
          "conflict",
          `generation ${id} has already ${g.status === "done" ? "finished" : "failed"}; there is nothing to cancel`,
          { status: g.status },
        );
      const reason = `cancelled: generation ${id} was cancelled before this run's samples were all generated`;
      for (const run of tx
        .select({ id: runs.id })
        .from(runs)
        .where(and(eq(runs.generationId, id), eq(runs.status, "generating")))
        .all())
        failGeneratedRun(tx, run.id, reason, now);
      tx.update(generationTasks)
        .set({ status: "cancelled", finishedAt: new Date(now) })
        .where(and(eq(generationTasks.generationId, id), eq(generationTasks.status, "queued")))
        .run();
      tx.update(generations)
        .set({ status: "cancelled", error: "cancelled on request", finishedAt: new Date(now) })
        .where(eq(generations.id, id))
        .run();
      recordAudit(tx, actor, { action: "generation.cancel", targetType: "generation", targetId: id });
      return getGenerationOrThrow(id, tx);
    },
    { behavior: "immediate" },
  );
}

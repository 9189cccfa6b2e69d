// Registers an evaluator's identity so stored scores can be labelled (and fixtures flagged)
// without loading the model.
import type { EvaluatorIdentity } from "../clip/identity";
import type { DbOrTx } from "../../db/client";
import { evaluators } from "../../db/schema";

export function recordEvaluator(db: DbOrTx, identity: EvaluatorIdentity): void {
  db.insert(evaluators)
    .values({
      id: identity.id,
      name: identity.name,
      variant: identity.variant,
      isFixture: identity.isFixture,
      files: identity.files,
      kind: identity.kind,
      recipe: identity.recipe ?? null,
    })
    .onConflictDoNothing()
    .run();
}

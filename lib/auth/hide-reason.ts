// Hiding a run or a variant from rankings (owner or admin, lib/auth/authorize-mutation.ts): the
// reason a reader is shown, and the state both verbs answer with.
import { z } from "zod";

export const hideReasonSchema = z.string().trim().min(1, "say why (it is shown to readers)").max(1000);

export type HiddenState = { id: string; hidden: boolean; hiddenAt: Date | null; hiddenReason: string | null };

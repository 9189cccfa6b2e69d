// Server-only: a prompt's text by its key, for page titles that must name the prompt, not its key.
import { getPromptSetOrThrow } from "@/lib/prompt-sets/get-prompt-set-or-throw";

/** The text of prompt `key` in prompt set `setName` (latest version), or undefined when either is unknown. */
export function promptTextOf(setName: string, key: string): string | undefined {
  try {
    return getPromptSetOrThrow(setName).prompts.find((p) => p.promptKey === key)?.text;
  } catch {
    return undefined;
  }
}

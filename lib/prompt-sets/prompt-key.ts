// When two prompts are the same prompt, and a prompt's id within its set when the file gives none.
import { textKey } from "../embeddings/embedding-cache";
import { ClipTokenizer } from "../clip/tokenizer";

/**
 * The one definition of prompt identity, used by the CLI, /api/v1/metrics, uploads, generations
 * and prompt sets: two prompts are the same prompt (one group, one row of a prompt set) when
 * their identities are equal. It is the text CLIP's tokenizer actually reads: Unicode NFC, HTML
 * entities unescaped and whitespace collapsed (ClipTokenizer.clean), lower-cased (CLIP's
 * tokenizer.json lowercases too) — so prompts that differ only in case or surrounding or
 * repeated whitespace, which give identical CLIP tokens, are one prompt.
 * Example: promptIdentity("  A  Red\tSquare ") === promptIdentity("a red square") === "a red square".
 */
export function promptIdentity(text: string): string {
  return ClipTokenizer.clean(text.normalize("NFC")).toLowerCase();
}

/** `h` + 15 hex digits of the SHA-256 of the prompt's identity: stable when a set is reordered or re-uploaded. */
export function promptKeyFor(text: string): string {
  return `h${textKey(promptIdentity(text)).slice(0, 15)}`;
}

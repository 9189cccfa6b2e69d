// When two prompts are the same prompt, and a prompt's id within its set when the file gives none.
import { createHash } from "node:crypto";
import { decodeHTML } from "entities";

/** Python's str.isspace() characters (what re's \s matches in openai/CLIP's whitespace_clean). */
export const PY_WHITESPACE =
  "\\t\\n\\v\\f\\r\\x1c-\\x20\\x85\\xa0\\u1680\\u2000-\\u200a\\u2028\\u2029\\u202f\\u205f\\u3000";
const PY_WHITESPACE_RUN = new RegExp(`[${PY_WHITESPACE}]+`, "g");

/**
 * CLIP's text cleanup before lowercasing, as openai/CLIP's simple_tokenizer: NFC, html-unescape
 * twice (Python's html.unescape semantics via `entities`), Python-whitespace runs → one space,
 * stripped. The CLIP tokenizer (lib/clip/tokenizer.ts) reads prompts through it.
 */
export function cleanPromptText(text: string): string {
  return decodeHTML(decodeHTML(text.normalize("NFC")))
    .replace(PY_WHITESPACE_RUN, " ")
    .replace(/^ | $/g, "");
}

/** Cache key of a prompt's text: sha256 of its UTF-8 bytes. */
export function textKey(prompt: string): string {
  return createHash("sha256").update(prompt, "utf8").digest("hex");
}

/**
 * The one definition of prompt identity, used by the CLI, /api/v1/metrics, uploads, generations
 * and prompt sets: two prompts are the same prompt (one group, one row of a prompt set) when
 * their identities are equal. It is the text CLIP's tokenizer actually reads: Unicode NFC, HTML
 * entities unescaped and whitespace collapsed (cleanPromptText), lower-cased (CLIP's
 * tokenizer.json lowercases too) — so prompts that differ only in case or surrounding or
 * repeated whitespace, which give identical CLIP tokens, are one prompt.
 * Example: promptIdentity("  A  Red\tSquare ") === promptIdentity("a red square") === "a red square".
 */
export function promptIdentity(text: string): string {
  return cleanPromptText(text.normalize("NFC")).toLowerCase();
}

/** `h` + 15 hex digits of the SHA-256 of the prompt's identity: stable when a set is reordered or re-uploaded. */
export function promptKeyFor(text: string): string {
  return `h${textKey(promptIdentity(text)).slice(0, 15)}`;
}

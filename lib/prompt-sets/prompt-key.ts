// A prompt's id within its set when the file gives none: a hash of the text, so that it stays
// the same when the set is reordered or re-uploaded.
import { textKey } from "../embeddings/embedding-cache";

export function promptKeyFor(text: string): string {
  return `h${textKey(text).slice(0, 15)}`;
}

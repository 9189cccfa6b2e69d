// Public ids: a type prefix and 16 random base32 characters (80 bits), safe in URLs and file names.
import { randomBytes } from "node:crypto";

const ALPHABET = "0123456789abcdefghjkmnpqrstvwxyz";

export function newId(prefix: "run" | "ps" | "ref" | "var" | "key" | "gen" | "task" | "wtk"): string {
  const bytes = randomBytes(16);
  let s = "";
  for (const b of bytes) s += ALPHABET[b & 31];
  return `${prefix}_${s}`;
}

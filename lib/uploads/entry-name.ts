// File names from archives, form parts and manifests are keys, never paths we write to; they are
// still normalised and checked so that "a\b.png", "./a/b.png" and "a/b.png" match and hostile
// names are reported rather than silently matched.

export type NameCheck = { ok: true; name: string } | { ok: false; reason: string };

export const MANIFEST_NAMES = ["manifest.jsonl", "manifest.csv"] as const;

/** Unicode NFC, backslashes become slashes, "." and empty segments go; absolute paths and ".." are refused. */
export function normaliseEntryName(raw: string): NameCheck {
  // eslint-disable-next-line no-control-regex
  if (/[\u0000-\u001f\u007f]/.test(raw)) return { ok: false, reason: "name holds control characters" };
  // NFC because macOS writes decomposed names (NFD) into archives while manifests are usually NFC.
  const s = raw.normalize("NFC").replace(/\\/g, "/");
  if (s.startsWith("/")) return { ok: false, reason: "absolute path" };
  if (/^[A-Za-z]:/.test(s)) return { ok: false, reason: "absolute path (drive letter)" };
  const parts = s.split("/").filter((p) => p !== "" && p !== ".");
  // Stricter than "escapes the root": no legitimate archive needs "a/../b".
  if (parts.includes("..")) return { ok: false, reason: "path goes up a folder (..)" };
  if (parts.length === 0) return { ok: false, reason: "empty name" };
  return { ok: true, name: parts.join("/") };
}

/** macOS resource forks and hidden files (.DS_Store, ._x, .git/…) are skipped, never counted or checked. */
export function isIgnoredEntry(name: string): boolean {
  return name.split("/").some((seg) => seg === "__MACOSX" || seg.startsWith("."));
}

/** A file that could be the manifest: manifest.jsonl/csv at the root or one folder down. */
export function isManifestCandidate(name: string): boolean {
  const parts = name.split("/");
  return parts.length <= 2 && (MANIFEST_NAMES as readonly string[]).includes(parts[parts.length - 1]!);
}

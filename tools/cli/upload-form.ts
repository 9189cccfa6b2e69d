// The multipart body `npm run upload` and `npm run reference-sets -- upload` send: text fields plus
// an `archive`, or a `manifest` and the `images` it names (read from its folder or `imagesDir`).
import fs from "node:fs";
import { openAsBlob } from "node:fs";
import path from "node:path";

/** Thrown for a missing file; the scripts print it and exit 2. */
export class UploadFormError extends Error {}

/**
 * Builds the form; returns it with the total file bytes. Throws UploadFormError when the archive,
 * the manifest or an image it names does not exist.
 */
export async function buildUploadForm(
  fields: Record<string, string | undefined>,
  files: { archive?: string; manifest?: string; imagesDir?: string },
): Promise<{ form: FormData; bytes: number }> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) if (v !== undefined) form.append(k, v);
  let bytes = 0;
  const addFile = async (field: string, file: string, name = path.basename(file)) => {
    if (!fs.existsSync(file)) throw new UploadFormError(`${file} does not exist`);
    bytes += fs.statSync(file).size;
    form.append(field, await openAsBlob(file), name);
  };
  if (files.archive) await addFile("archive", files.archive);
  else if (files.manifest) {
    const manifest = files.manifest;
    await addFile("manifest", manifest);
    const dir = files.imagesDir ?? path.dirname(manifest);
    const lines = fs.readFileSync(manifest, "utf8");
    const names = manifest.endsWith(".csv")
      ? lines
          .split(/\r?\n/)
          .slice(1)
          .map((l) => l.split(",")[0]!)
          .filter(Boolean)
      : lines
          .split(/\r?\n/)
          .filter((l) => l.trim())
          .map((l) => (JSON.parse(l) as { file: string }).file);
    for (const f of names) {
      const p = path.join(dir, f);
      if (!fs.existsSync(p)) throw new UploadFormError(`${p} (named in the manifest) does not exist`);
      await addFile("images", p, f);
    }
  }
  return { form, bytes };
}

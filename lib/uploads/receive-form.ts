// Streams a multipart/form-data body to the staging folder with busboy. Every limit is checked
// while bytes arrive; a fatal one stops reading the body at once.
import { setMaxListeners } from "node:events";
import fs from "node:fs/promises";
import path from "node:path";
import { Transform, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import busboy from "busboy";
import { AppError } from "../core/errors";
import { normaliseEntryName } from "./entry-name";
import type { UploadLimits } from "./limits";
import { storeStream, StreamTooLargeError } from "./staging";
import type { StoredFile } from "./types";
import type { StagedFileOrProblem } from "./verify-images";
import { formatBytes, tooLarge, tooManyFiles } from "./upload-errors";

export const IMAGE_FIELDS = ["images", "files"] as const;
const FILE_FIELDS = new Set<string>(["manifest", "archive", ...IMAGE_FIELDS]);

export type ReceivedForm = {
  fields: Record<string, string>;
  manifest?: { name: string; file: StoredFile };
  archive?: { name: string; file: StoredFile };
  /** Image parts by normalised file name; oversized and duplicated names carry their problem. */
  images: Map<string, StagedFileOrProblem>;
  /** Image parts whose file name could not be a key (e.g. "../x"); drained, not kept. */
  ignoredFiles: string[];
};

function bothKinds(): AppError {
  return new AppError("bad_request", "send either an `archive` part or a `manifest` part with image parts, not both");
}

export async function receiveForm(
  source: Readable,
  contentType: string,
  dir: string,
  limits: UploadLimits,
): Promise<ReceivedForm> {
  const imagesDir = path.join(dir, "images");
  await fs.mkdir(imagesDir, { recursive: true });

  let bb: busboy.Busboy;
  try {
    bb = busboy({
      headers: { "content-type": contentType },
      preservePath: true,
      defParamCharset: "utf8",
      limits: {
        fieldNameSize: 200,
        fieldSize: limits.maxFieldBytes,
        fields: limits.maxFields,
        // Our own per-field counts are exact; busboy's is the backstop.
        files: limits.maxFiles + 2,
        parts: limits.maxFields + limits.maxFiles + 2,
        headerPairs: 20,
      },
    });
  } catch (e) {
    throw new AppError("bad_request", `cannot read the multipart body: ${(e as Error).message}`);
  }

  const form: ReceivedForm = { fields: {}, images: new Map(), ignoredFiles: [] };
  const parts: { key: string; result: StoredFile | null }[] = [];
  // Parts arrive in order but their writes finish later, so flags, not the form, record what came.
  let sawManifest = false;
  let sawArchive = false;
  let sawImagePart = false;
  let imageParts = 0;
  const ac = new AbortController();
  // Each part still being written holds one listener; many small parts can overlap.
  setMaxListeners(0, ac.signal);
  let failure: unknown;
  const fail = (e: unknown) => {
    if (failure !== undefined) return;
    failure = e;
    ac.abort();
  };
  const pending: Promise<void>[] = [];

  bb.on("field", (name, value, info) => {
    if (failure !== undefined) return;
    if (info.nameTruncated || info.valueTruncated) {
      return fail(tooLarge(`form field "${name}"`, "maxFieldBytes", limits.maxFieldBytes, { field: name }));
    }
    if (FILE_FIELDS.has(name))
      return fail(new AppError("bad_request", `"${name}" must be sent as a file part, not a text field`));
    if (Object.hasOwn(form.fields, name))
      return fail(new AppError("bad_request", `form field "${name}" is given twice`));
    form.fields[name] = value;
  });
  bb.on("fieldsLimit", () => fail(tooLarge("the number of form fields", "maxFields", limits.maxFields)));
  bb.on("filesLimit", () => fail(tooManyFiles(limits.maxFiles)));
  bb.on("partsLimit", () => fail(tooManyFiles(limits.maxFiles)));

  // Both single parts stream through here; over their limit is fatal (413).
  const receiveSingle = async (
    stream: Readable,
    dest: string,
    limit: "maxManifestBytes" | "maxArchiveBytes",
    what: string,
  ) => {
    try {
      return (await storeStream(stream, dest, limits[limit], { signal: ac.signal }))!;
    } catch (e) {
      throw e instanceof StreamTooLargeError ? tooLarge(what, limit, limits[limit]) : e;
    }
  };

  const onFile = async (name: string, stream: Readable, info: busboy.FileInfo) => {
    if (failure !== undefined) return void stream.resume();
    if (name === "manifest") {
      if (sawArchive) throw bothKinds();
      if (sawManifest) throw new AppError("bad_request", "the form has more than one `manifest` part");
      sawManifest = true;
      const file = await receiveSingle(stream, path.join(dir, "manifest"), "maxManifestBytes", "the manifest");
      form.manifest = { name: info.filename || "manifest", file };
    } else if (name === "archive") {
      if (sawManifest || sawImagePart) throw bothKinds();
      if (sawArchive) throw new AppError("bad_request", "the form has more than one `archive` part");
      sawArchive = true;
      const file = await receiveSingle(stream, path.join(dir, "archive"), "maxArchiveBytes", "the archive");
      form.archive = { name: info.filename || "archive", file };
    } else if ((IMAGE_FIELDS as readonly string[]).includes(name)) {
      if (sawArchive) throw bothKinds();
      sawImagePart = true;
      if (!info.filename) {
        // Browsers send an empty, nameless part for a file input left blank.
        let bytes = 0;
        for await (const chunk of stream) bytes += (chunk as Buffer).length;
        if (bytes > 0)
          throw new AppError(
            "bad_request",
            `an \`${name}\` part has no filename; each image part's filename must match the manifest`,
          );
        return;
      }
      if (++imageParts > limits.maxFiles) throw tooManyFiles(limits.maxFiles);
      const key = normaliseEntryName(info.filename);
      if (!key.ok) {
        form.ignoredFiles.push(info.filename);
        return void stream.resume();
      }
      const dest = path.join(imagesDir, String(imageParts).padStart(6, "0"));
      // Oversized images are drained, not fatal, so every bad file can be reported together.
      const result = await storeStream(stream, dest, limits.maxImageBytes, { signal: ac.signal, onOverflow: "drain" });
      parts.push({ key: key.name, result });
    } else {
      throw new AppError(
        "bad_request",
        `unexpected file part "${name}"; expected manifest, images (or files), or archive`,
      );
    }
  };
  bb.on("file", (name, stream, info) => {
    // When the form is torn down busboy destroys the current part with the teardown error; the
    // cause is already in `failure`, and a part refused before it was read has no other listener.
    stream.on("error", () => {});
    pending.push(onFile(name, stream, info).catch(fail));
  });

  const meter = byteLimit(limits.maxUploadBytes, () =>
    tooLarge("the request body", "maxUploadBytes", limits.maxUploadBytes),
  );
  try {
    await pipeline(source, meter, bb, { signal: ac.signal });
  } catch (e) {
    fail(e instanceof AppError ? e : new AppError("bad_request", `malformed multipart body: ${(e as Error).message}`));
  }
  await Promise.allSettled(pending);
  if (failure !== undefined) throw failure;

  for (const { key, result } of parts) {
    const prior = form.images.get(key);
    if (prior !== undefined) {
      if (!("code" in prior)) await fs.rm(prior.path, { force: true });
      if (result) await fs.rm(result.path, { force: true });
      form.images.set(key, { code: "duplicate_file", message: "more than one image part has this file name" });
    } else {
      form.images.set(
        key,
        result ?? {
          code: "file_too_large",
          message: `over the per-file limit of ${formatBytes(limits.maxImageBytes)}`,
        },
      );
    }
  }
  return form;
}

/** Passes bytes through until more than `max` have gone by, then fails the pipeline. */
function byteLimit(max: number, error: () => Error): Transform {
  let seen = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      seen += chunk.length;
      if (seen > max) cb(error());
      else cb(null, chunk);
    },
  });
}

// A small multipart/form-data body read into memory while it streams, bounded as it arrives: text
// fields and one file part (a prompt-set file). Reading stops at the first byte over `maxBytes`,
// whether the body declared its length or came chunked (Request.formData() would read it whole
// first). Errors: 415 not multipart; 400 malformed or an unexpected part; 413 over the limit.
import busboy from "busboy";
import { AppError } from "../core/errors";
import { formatBytes } from "./upload-errors";

export type SmallForm = {
  fields: Record<string, string>;
  file?: { field: string; name: string; bytes: Uint8Array<ArrayBuffer> };
};

export async function readSmallForm(
  body: ReadableStream<Uint8Array> | null,
  contentType: string | null,
  opts: { maxBytes: number; fileField: string; fields: readonly string[] },
): Promise<SmallForm> {
  const ct = contentType ?? "";
  if (ct.split(";")[0]!.trim().toLowerCase() !== "multipart/form-data")
    throw new AppError("unsupported_media_type", `expected multipart/form-data, got ${ct || "no content type"}`);
  const tooLarge = () =>
    new AppError("payload_too_large", `the request body is over the limit of ${formatBytes(opts.maxBytes)}`, {
      limit: "maxBytes",
      max: opts.maxBytes,
    });
  let bb: busboy.Busboy;
  try {
    // Backstops only: unexpected fields and a second file are refused by name below.
    bb = busboy({
      headers: { "content-type": ct },
      defParamCharset: "utf8",
      limits: { fieldSize: opts.maxBytes, fileSize: opts.maxBytes, fields: 100, files: 10, parts: 110 },
    });
  } catch (e) {
    throw new AppError("bad_request", `malformed multipart body: ${(e as Error).message}`);
  }
  const form: SmallForm = { fields: {} };
  let failure: AppError | undefined;
  const fail = (e: AppError) => {
    failure ??= e;
  };
  bb.on("field", (name, value) => {
    if (!opts.fields.includes(name)) return fail(new AppError("bad_request", `unexpected form field "${name}"`));
    form.fields[name] = value;
  });
  bb.on("file", (name, stream, info) => {
    // Tearing the form down ends an open part with an error; the cause is already recorded.
    stream.on("error", () => {});
    if (name !== opts.fileField || form.file) {
      stream.resume();
      return fail(
        new AppError("bad_request", `unexpected file part "${name}"; send one part named "${opts.fileField}"`),
      );
    }
    const chunks: Buffer[] = [];
    stream.on("data", (c: Buffer) => chunks.push(c));
    stream.on("limit", () => fail(tooLarge()));
    stream.on("end", () => {
      form.file = { field: name, name: info.filename ?? "", bytes: new Uint8Array(Buffer.concat(chunks)) };
    });
  });
  for (const ev of ["filesLimit", "fieldsLimit", "partsLimit"] as const)
    bb.on(ev, () => fail(new AppError("bad_request", "too many parts in the form")));
  const finished = new Promise<void>((resolve, reject) => {
    bb.on("close", resolve);
    bb.on("error", (e: Error) => reject(new AppError("bad_request", `malformed multipart body: ${e.message}`)));
  });
  finished.catch(() => undefined);
  // Bytes are counted as they arrive; past the limit the body is cancelled, not read on.
  const reader = body?.getReader();
  let seen = 0;
  try {
    for (;;) {
      if (!reader) break;
      const { done, value } = await reader.read();
      if (done) break;
      seen += value.byteLength;
      if (seen > opts.maxBytes) throw tooLarge();
      if (failure) throw failure;
      if (!bb.write(value)) await new Promise((r) => bb.once("drain", r));
    }
    bb.end();
    await finished;
  } catch (e) {
    await reader?.cancel().catch(() => undefined);
    bb.destroy();
    throw e instanceof AppError ? e : new AppError("bad_request", `malformed multipart body: ${(e as Error).message}`);
  }
  if (failure) throw failure;
  return form;
}

// What the run upload form and the reference set upload form share: sending a multipart body to a
// REST upload endpoint with upload progress (XHR reports it, fetch doesn't), and placing the
// server's `{error:{code,message,details}}` next to the input or file that caused it.
import { isolateText } from "./user-text";

export type ApiError = { code: string; message: string; details?: Record<string, unknown> };
/** Error text per form input name. */
export type FieldErrors = Record<string, string>;

/**
 * Which input an API error belongs to: 401 → `apiKey`; 413/415 → `fileField`; zod issues → the
 * input named by their path (unknown paths → `fileField`); `special` (checked next) for a form's
 * own cases; unknown prompts → `promptSet`; otherwise per-file lines (`files`, `entries`,
 * `missingFiles`, `duplicateFiles`; 8 of each at most) under `fileField`.
 */
export function errorsFor(
  status: number,
  err: ApiError,
  fields: readonly string[],
  fileField: string,
  special?: (d: Record<string, unknown>, err: ApiError) => FieldErrors | null,
): FieldErrors {
  const out: FieldErrors = {};
  const d = err.details ?? {};
  if (status === 401) out.apiKey = err.message;
  else if (status === 413 || status === 415) out[fileField] = err.message;
  else if (Array.isArray(d.issues)) {
    for (const i of d.issues as { path: string; message: string }[]) {
      const f = fields.includes(i.path) ? i.path : fileField;
      out[f] = out[f] ? `${out[f]}; ${i.message}` : `${i.path ? `${i.path}: ` : ""}${i.message}`;
    }
  } else {
    const own = special?.(d, err);
    if (own) return own;
    if (Array.isArray(d.unknownPrompts))
      out.promptSet = `${err.message}: ${(d.unknownPrompts as unknown[])
        .slice(0, 5)
        .map((p) => isolateText(String(p)))
        .join("; ")}`;
    else {
      const list = (d.files ?? d.entries) as
        { file?: string; entry?: string; message?: string; reason?: string }[] | undefined;
      const missing = d.missingFiles as string[] | undefined;
      const dup = d.duplicateFiles as string[] | undefined;
      const lines = [
        ...(list ?? []).slice(0, 8).map((x) => `${isolateText(String(x.file ?? x.entry))}: ${x.message ?? x.reason}`),
        ...(missing?.length ? [`missing from the upload: ${missing.slice(0, 8).map(isolateText).join(", ")}`] : []),
        ...(dup?.length ? [`named more than once: ${dup.slice(0, 8).map(isolateText).join(", ")}`] : []),
      ];
      out[fileField] = lines.length ? `${err.message}\n${lines.join("\n")}` : err.message;
    }
  }
  return out;
}

export type UploadAnswer = { status: number; body: { error?: ApiError } & Record<string, unknown> };

/**
 * POSTs `form` to `url` with the API key as a Bearer token. Calls `onProgress` with 0–100 while
 * the body is sent; resolves with the HTTP status and the parsed JSON body; rejects with an Error
 * whose message a page can show (network failure, or an answer that is not JSON).
 */
export function postUpload(
  url: string,
  form: FormData,
  apiKey: string,
  onProgress: (percent: number) => void,
): Promise<UploadAnswer> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open("POST", url);
    xhr.setRequestHeader("Authorization", `Bearer ${apiKey}`);
    xhr.upload.onprogress = (ev) => ev.lengthComputable && onProgress(Math.round((100 * ev.loaded) / ev.total));
    xhr.onerror = () => reject(new Error("The upload did not reach the server (network error). Try again."));
    xhr.onload = () => {
      try {
        resolve({ status: xhr.status, body: JSON.parse(xhr.responseText) });
      } catch {
        reject(new Error(`Unexpected answer from the server (HTTP ${xhr.status}).`));
      }
    };
    onProgress(0);
    xhr.send(form);
  });
}

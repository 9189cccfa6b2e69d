"use client";
// Drag-and-drop upload of an archive to POST /api/v1/runs, with upload progress (XHR reports
// it, fetch doesn't), the run's fields, the API key, and the server's validation errors shown
// next to the field or file that caused them.
import { useRouter } from "next/navigation";
import { useRef, useState } from "react";
import { FieldError, useStoredApiKey } from "@/app/_components/form-bits";
import { isolateText, UserText } from "@/app/_components/user-text";

type ApiError = { code: string; message: string; details?: Record<string, unknown> };
type FieldErrors = Record<string, string>;

const FIELD_NAMES = ["apiKey", "variant", "conditioningType", "guidanceScale", "promptSet", "sampler", "steps", "archive"] as const;
type Field = (typeof FIELD_NAMES)[number];

/** Which input an API error belongs to. */
export function errorsFor(status: number, err: ApiError): FieldErrors {
  const out: FieldErrors = {};
  const d = err.details ?? {};
  if (status === 401) out.apiKey = err.message;
  else if (status === 413 || status === 415) out.archive = err.message;
  else if (Array.isArray(d.issues)) {
    for (const i of d.issues as { path: string; message: string }[]) {
      const f = (FIELD_NAMES as readonly string[]).includes(i.path) ? i.path : "archive";
      out[f] = out[f] ? `${out[f]}; ${i.message}` : `${i.path ? `${i.path}: ` : ""}${i.message}`;
    }
  } else if (typeof d.variant === "string") out.variant = `${err.message}. Pick its conditioning type below to register it with this upload.`;
  else if (Array.isArray(d.unknownPrompts)) out.promptSet = `${err.message}: ${(d.unknownPrompts as unknown[]).slice(0, 5).map((p) => isolateText(String(p))).join("; ")}`;
  else {
    const list = (d.files ?? d.entries) as { file?: string; entry?: string; message?: string; reason?: string }[] | undefined;
    const missing = d.missingFiles as string[] | undefined;
    const lines = [
      ...(list ?? []).slice(0, 8).map((x) => `${isolateText(String(x.file ?? x.entry))}: ${x.message ?? x.reason}`),
      ...(missing?.length ? [`missing from the archive: ${missing.slice(0, 8).join(", ")}`] : []),
    ];
    out.archive = lines.length ? `${err.message}\n${lines.join("\n")}` : err.message;
  }
  return out;
}

const CONDITIONING = [
  ["", "— existing variant —"],
  ["text_sequence", "text sequence (GLIDE, Stable Diffusion)"],
  ["clip_image_embedding", "CLIP image embedding (unCLIP decoder, Kandinsky 2.2)"],
  ["clip_text_embedding", "CLIP text embedding (cc12m_1_cfg)"],
  ["clip_image_embedding+text_sequence", "CLIP image embedding + text sequence (Karlo)"],
  ["other", "other"],
] as const;


export function UploadForm() {
  const router = useRouter();
  const [file, setFile] = useState<File | null>(null);
  const [drag, setDrag] = useState(false);
  const [progress, setProgress] = useState<number | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [apiKey, setApiKey, rememberApiKey] = useStoredApiKey();
  const inputRef = useRef<HTMLInputElement>(null);

  const describedBy = (f: Field) => (errors[f] ? `${f}-error` : undefined);

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    if (!file) {
      setErrors({ archive: "Choose or drop a .zip, .tar or .tar.gz archive holding manifest.jsonl (or .csv) and the images." });
      return;
    }
    const fd = new FormData(e.currentTarget);
    const missing: FieldErrors = {};
    if (!String(fd.get("variant") ?? "").trim()) missing.variant = "Name the variant these samples come from.";
    if (!String(fd.get("guidanceScale") ?? "").trim()) missing.guidanceScale = "Give the guidance scale the samples were made with.";
    if (!apiKey.trim()) missing.apiKey = "Uploads need an API key (npm run apikey -- create --name NAME).";
    if (Object.keys(missing).length) {
      setErrors(missing);
      return;
    }
    fd.delete("apiKey");
    fd.delete("archive");
    for (const [k, v] of [...fd.entries()]) if (v === "") fd.delete(k);
    fd.append("archive", file, file.name);
    rememberApiKey();

    const xhr = new XMLHttpRequest();
    xhr.open("POST", "/api/v1/runs");
    xhr.setRequestHeader("Authorization", `Bearer ${apiKey}`);
    xhr.upload.onprogress = (ev) => ev.lengthComputable && setProgress(Math.round((100 * ev.loaded) / ev.total));
    xhr.onerror = () => {
      setProgress(null);
      setGeneral("The upload did not reach the server (network error). Try again.");
    };
    xhr.onload = () => {
      setProgress(null);
      let body: { id?: string; pageUrl?: string; error?: ApiError } = {};
      try {
        body = JSON.parse(xhr.responseText);
      } catch {
        setGeneral(`Unexpected answer from the server (HTTP ${xhr.status}).`);
        return;
      }
      if (xhr.status === 202 || xhr.status === 200) {
        router.push(body.pageUrl ?? `/runs/${body.id}`);
        return;
      }
      if (body.error) setErrors(errorsFor(xhr.status, body.error));
      else setGeneral(`Upload failed (HTTP ${xhr.status}).`);
    };
    setProgress(0);
    xhr.send(fd);
  }

  const input = "mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500";
  return (
    <form onSubmit={onSubmit} className="mt-4 grid max-w-2xl gap-4" noValidate data-testid="upload-form">
      <div>
        <span className="block text-sm font-medium" id="archive-label">
          Archive
        </span>
        <div
          role="button"
          tabIndex={0}
          aria-labelledby="archive-label"
          aria-describedby={describedBy("archive")}
          aria-invalid={!!errors.archive}
          onClick={() => inputRef.current?.click()}
          onKeyDown={(e) => (e.key === "Enter" || e.key === " ") && (e.preventDefault(), inputRef.current?.click())}
          onDragOver={(e) => {
            e.preventDefault();
            setDrag(true);
          }}
          onDragLeave={() => setDrag(false)}
          onDrop={(e) => {
            e.preventDefault();
            setDrag(false);
            const f = e.dataTransfer.files[0];
            if (f) setFile(f);
          }}
          className={`mt-1 flex min-h-28 cursor-pointer flex-col items-center justify-center rounded border-2 border-dashed p-4 text-center text-sm focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 ${
            drag ? "border-indigo-500 bg-indigo-50" : errors.archive ? "border-rose-400" : "border-slate-300 bg-white"
          }`}
          data-testid="dropzone"
        >
          {file ? (
            <span>
              <strong>{file.name}</strong> ({(file.size / 1e6).toFixed(2)} MB) — click or drop to replace
            </span>
          ) : (
            <span>Drop a .zip, .tar or .tar.gz here, or click to choose. It holds manifest.jsonl or manifest.csv (file, prompt or prompt_id, seed) and the images.</span>
          )}
        </div>
        <input ref={inputRef} type="file" name="archive" accept=".zip,.tar,.tgz,.gz,application/zip,application/x-tar,application/gzip" className="sr-only" onChange={(e) => setFile(e.target.files?.[0] ?? null)} data-testid="archive-input" />
        <FieldError id="archive-error" testId="error-archive" msg={errors.archive} />
      </div>
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="f-variant" className="text-sm font-medium">
            Variant
          </label>
          <input id="f-variant" name="variant" required className={input} aria-invalid={!!errors.variant} aria-describedby={describedBy("variant")} placeholder="e.g. sd-1.5-cfg" />
          <FieldError id="variant-error" testId="error-variant" msg={errors.variant} />
        </div>
        <div>
          <label htmlFor="f-conditioningType" className="text-sm font-medium">
            Conditioning (registers a new variant)
          </label>
          <select id="f-conditioningType" name="conditioningType" className={input} aria-invalid={!!errors.conditioningType} aria-describedby={describedBy("conditioningType")} defaultValue="">
            {CONDITIONING.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
          <FieldError id="conditioningType-error" testId="error-conditioningType" msg={errors.conditioningType} />
        </div>
        <div>
          <label htmlFor="f-guidanceScale" className="text-sm font-medium">
            Guidance scale
          </label>
          <input id="f-guidanceScale" name="guidanceScale" inputMode="decimal" required className={input} aria-invalid={!!errors.guidanceScale} aria-describedby={describedBy("guidanceScale")} placeholder="e.g. 3" />
          <FieldError id="guidanceScale-error" testId="error-guidanceScale" msg={errors.guidanceScale} />
        </div>
        <div>
          <label htmlFor="f-promptSet" className="text-sm font-medium">
            Prompt set (optional)
          </label>
          <input id="f-promptSet" name="promptSet" className={input} aria-invalid={!!errors.promptSet} aria-describedby={describedBy("promptSet")} placeholder="named set the prompts belong to" />
          <FieldError id="promptSet-error" testId="error-promptSet" msg={errors.promptSet} />
        </div>
        <div>
          <label htmlFor="f-sampler" className="text-sm font-medium">
            Sampler (optional)
          </label>
          <input id="f-sampler" name="sampler" className={input} placeholder="e.g. ddim" />
        </div>
        <div>
          <label htmlFor="f-steps" className="text-sm font-medium">
            Steps (optional)
          </label>
          <input id="f-steps" name="steps" inputMode="numeric" className={input} aria-invalid={!!errors.steps} aria-describedby={describedBy("steps")} />
          <FieldError id="steps-error" testId="error-steps" msg={errors.steps} />
        </div>
      </div>
      <div>
        <label htmlFor="f-apiKey" className="text-sm font-medium">
          API key
        </label>
        <input
          id="f-apiKey"
          name="apiKey"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          className={input}
          aria-invalid={!!errors.apiKey}
          aria-describedby={describedBy("apiKey")}
          placeholder="t2i_… (npm run apikey -- create --name NAME)"
        />
        <FieldError id="apiKey-error" testId="error-apiKey" msg={errors.apiKey} />
      </div>
      {progress !== null && (
        <div>
          <div className="mb-1 text-sm">Uploading… {progress}%</div>
          <div role="progressbar" aria-label="Upload progress" aria-valuemin={0} aria-valuemax={100} aria-valuenow={progress} className="h-3 w-full overflow-hidden rounded bg-slate-200">
            <div className="h-full bg-indigo-500" style={{ width: `${progress}%` }} />
          </div>
        </div>
      )}
      {general && (
        <p role="alert" className="text-sm text-rose-700">
          <UserText text={general} max={4000} />
        </p>
      )}
      <div>
        <button type="submit" disabled={progress !== null} className="rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50">
          Upload and score
        </button>
      </div>
    </form>
  );
}

"use client";
// Drag-and-drop upload of an archive to POST /api/v1/runs, with upload progress (XHR reports
// it, fetch doesn't), the run's fields, the API key, and the server's validation errors shown
// next to the field or file that caused them.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FileDropzone, UploadProgress } from "@/app/_components/file-dropzone";
import { ApiKeyField, FieldError, TextField, useStoredApiKey } from "@/app/_components/form-bits";
import { errorsFor, postUpload, type ApiError, type FieldErrors } from "@/app/_components/upload-request";
import { UserText } from "@/app/_components/user-text";

const FIELD_NAMES = [
  "apiKey",
  "variant",
  "conditioningType",
  "guidanceScale",
  "replicate",
  "promptSet",
  "newPromptSetName",
  "sampler",
  "steps",
  "archive",
] as const;
type Field = (typeof FIELD_NAMES)[number];

/** Which input an API error belongs to; an unknown variant points at the conditioning picker. */
function runErrorsFor(status: number, err: ApiError): FieldErrors {
  return errorsFor(status, err, FIELD_NAMES, "archive", (d) =>
    typeof d.variant === "string"
      ? { variant: `${err.message}. Pick its conditioning type below to register it with this upload.` }
      : null,
  );
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
  const [progress, setProgress] = useState<number | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [apiKey, setApiKey, rememberApiKey] = useStoredApiKey();

  const describedBy = (f: Field) => (errors[f] ? `${f}-error` : undefined);

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    if (!file) {
      setErrors({
        archive: "Choose or drop a .zip, .tar or .tar.gz archive holding manifest.jsonl (or .csv) and the images.",
      });
      return;
    }
    const fd = new FormData(e.currentTarget);
    const missing: FieldErrors = {};
    if (!String(fd.get("variant") ?? "").trim()) missing.variant = "Name the variant these samples come from.";
    if (!String(fd.get("guidanceScale") ?? "").trim())
      missing.guidanceScale = "Give the guidance scale the samples were made with.";
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

    postUpload("/api/v1/runs", fd, apiKey, setProgress).then(
      ({ status, body }) => {
        setProgress(null);
        if (status === 202 || status === 200)
          router.push(typeof body.pageUrl === "string" ? body.pageUrl : `/runs/${String(body.id)}`);
        else if (body.error) setErrors(runErrorsFor(status, body.error));
        else setGeneral(`Upload failed (HTTP ${status}).`);
      },
      (e: Error) => {
        setProgress(null);
        setGeneral(e.message);
      },
    );
  }

  const input = "mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500";
  return (
    <form onSubmit={onSubmit} className="mt-4 grid max-w-2xl gap-4" noValidate data-testid="upload-form">
      <FileDropzone
        id="archive"
        label="Archive"
        accept=".zip,.tar,.tgz,.gz,application/zip,application/x-tar,application/gzip"
        error={errors.archive}
        testId="dropzone"
        inputTestId="archive-input"
        onFiles={([f]) => setFile(f!)}
      >
        {file ? (
          <span>
            <strong>{file.name}</strong> ({(file.size / 1e6).toFixed(2)} MB) — click or drop to replace
          </span>
        ) : (
          <span>
            Drop a .zip, .tar or .tar.gz here, or click to choose. It holds manifest.jsonl or manifest.csv (file, prompt
            or prompt_id, seed) and the images.
          </span>
        )}
      </FileDropzone>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="variant"
          label="Variant"
          error={errors.variant}
          className={input}
          required
          placeholder="e.g. sd-1.5-cfg"
        />
        <div>
          <label htmlFor="f-conditioningType" className="text-sm font-medium">
            Conditioning (registers a new variant)
          </label>
          <select
            id="f-conditioningType"
            name="conditioningType"
            className={input}
            aria-invalid={!!errors.conditioningType}
            aria-describedby={describedBy("conditioningType")}
            defaultValue=""
          >
            {CONDITIONING.map(([v, l]) => (
              <option key={v} value={v}>
                {l}
              </option>
            ))}
          </select>
          <FieldError id="conditioningType-error" testId="error-conditioningType" msg={errors.conditioningType} />
        </div>
        <TextField
          name="guidanceScale"
          label="Guidance scale"
          error={errors.guidanceScale}
          className={input}
          required
          inputMode="decimal"
          placeholder="e.g. 3"
        />
        <TextField
          name="replicate"
          label="Replicate (optional)"
          error={errors.replicate}
          className={input}
          placeholder="trained copy, e.g. seed-1"
        />
        <TextField
          name="promptSet"
          label="Prompt set (optional)"
          error={errors.promptSet}
          className={input}
          placeholder="named set the prompts belong to"
        />
        <TextField
          name="newPromptSetName"
          label="Name for a new prompt set (optional)"
          error={errors.newPromptSetName}
          className={input}
          placeholder="without a prompt set: names the set made from these prompts"
        />
        <TextField
          name="sampler"
          label="Sampler (optional)"
          error={errors.sampler}
          className={input}
          placeholder="e.g. ddim"
        />
        <TextField name="steps" label="Steps (optional)" error={errors.steps} className={input} inputMode="numeric" />
      </div>
      <ApiKeyField value={apiKey} onChange={setApiKey} error={errors.apiKey} className={input} />
      {progress !== null && <UploadProgress percent={progress} />}
      {general && (
        <p role="alert" className="text-sm text-rose-700">
          <UserText text={general} max={4000} />
        </p>
      )}
      <div>
        <button
          type="submit"
          disabled={progress !== null}
          className="rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          Upload and score
        </button>
      </div>
    </form>
  );
}

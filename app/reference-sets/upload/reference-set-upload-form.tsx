"use client";
// Upload of a reference set to POST /api/v1/reference-sets (the REST verb itself, so validation,
// limits and messages are the endpoint's): an archive, or a manifest with its images; progress
// while sending, a summary of what was stored, and the server's errors next to their input.
import Link from "next/link";
import { useState } from "react";
import { FileDropzone, UploadProgress } from "@/app/_components/file-dropzone";
import { ApiKeyField, FieldError, TextField, useStoredApiKey } from "@/app/_components/form-bits";
import { errorsFor, postUpload, type FieldErrors } from "@/app/_components/upload-request";
import { UserText } from "@/app/_components/user-text";

const FIELD_NAMES = ["apiKey", "name", "description", "promptSet", "promptSetVersion", "files"] as const;
type Field = (typeof FIELD_NAMES)[number];

const ARCHIVE = /\.(zip|tar|tgz|gz)$/i;
const MANIFEST = /\.(jsonl|csv)$/i;

type Stored = {
  id: string;
  name: string;
  version: number;
  images: number;
  queuedRuns: number;
  pageUrl: string;
  ignoredFiles?: string[];
};

/** The multipart parts for the chosen files, or the reason they cannot be sent as they are. */
function fileParts(files: File[]): { archive: File } | { manifest: File; images: File[] } | { error: string } {
  const archives = files.filter((f) => ARCHIVE.test(f.name));
  const manifests = files.filter((f) => MANIFEST.test(f.name));
  if (archives.length) {
    return archives.length === 1 && files.length === 1
      ? { archive: archives[0]! }
      : { error: "Choose one archive on its own, or a manifest with its images (not both)." };
  }
  if (manifests.length !== 1)
    return {
      error: `Choose the manifest (manifest.jsonl or manifest.csv) together with the images it names; ${manifests.length} manifests chosen.`,
    };
  const images = files.filter((f) => f !== manifests[0]);
  if (!images.length) return { error: "Choose the images the manifest names together with it." };
  return { manifest: manifests[0]!, images };
}

/** Every prompt set a reference set can be tied to, with its readable label (lib/prompt-sets/list-prompt-sets.ts). */
export type PromptSetChoice = { name: string; label: string; version: number; promptCount: number };

export function ReferenceSetUploadForm({ promptSets = [] }: { promptSets?: PromptSetChoice[] }) {
  const [files, setFiles] = useState<File[]>([]);
  const [progress, setProgress] = useState<number | null>(null);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [stored, setStored] = useState<Stored | null>(null);
  const [apiKey, setApiKey, rememberApiKey] = useStoredApiKey();

  const describedBy = (f: Field) => (errors[f] ? `${f}-error` : undefined);

  function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    setStored(null);
    const fd = new FormData(e.currentTarget);
    const missing: FieldErrors = {};
    if (!files.length) missing.files = "Choose or drop an archive, or a manifest with its images.";
    if (!String(fd.get("name") ?? "").trim()) missing.name = "Name the reference set.";
    if (!apiKey.trim()) missing.apiKey = "Uploads need an API key (npm run apikey -- create --name NAME).";
    const parts = fileParts(files);
    if (!missing.files && "error" in parts) missing.files = parts.error;
    if (Object.keys(missing).length || "error" in parts) {
      setErrors(missing);
      return;
    }
    fd.delete("apiKey");
    fd.delete("files");
    for (const [k, v] of [...fd.entries()]) if (typeof v === "string" && v.trim() === "") fd.delete(k);
    if ("archive" in parts) fd.append("archive", parts.archive, parts.archive.name);
    else {
      fd.append("manifest", parts.manifest, parts.manifest.name);
      for (const f of parts.images) fd.append("images", f, f.name);
    }
    rememberApiKey();

    postUpload("/api/v1/reference-sets", fd, apiKey, setProgress).then(
      ({ status, body }) => {
        setProgress(null);
        if (status === 201) {
          setStored(body as unknown as Stored);
          setFiles([]);
        } else if (body.error) setErrors(errorsFor(status, body.error, FIELD_NAMES, "files"));
        else setGeneral(`Upload failed (HTTP ${status}).`);
      },
      (err: Error) => {
        setProgress(null);
        setGeneral(err.message);
      },
    );
  }

  const input = "mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500";
  const bytes = files.reduce((s, f) => s + f.size, 0);
  return (
    <form onSubmit={onSubmit} className="mt-4 grid max-w-2xl gap-4" noValidate data-testid="reference-upload-form">
      <FileDropzone
        id="files"
        label="Images"
        accept=".zip,.tar,.tgz,.gz,.jsonl,.csv,image/*,application/zip,application/x-tar,application/gzip"
        multiple
        error={errors.files}
        testId="reference-dropzone"
        inputTestId="reference-files-input"
        onFiles={setFiles}
      >
        {files.length ? (
          <span>
            <strong>{files.length === 1 ? files[0]!.name : `${files.length} files`}</strong> ({(bytes / 1e6).toFixed(2)}{" "}
            MB) — click or drop to replace
          </span>
        ) : (
          <span>
            Drop a .zip, .tar or .tar.gz here, or manifest.jsonl / manifest.csv (file, prompt or prompt_id) with the
            images it names, or click to choose. At least 2 images.
          </span>
        )}
      </FileDropzone>
      <div className="grid gap-4 sm:grid-cols-2">
        <TextField
          name="name"
          label="Name"
          error={errors.name}
          className={input}
          required
          placeholder="e.g. coco-real"
        />
        <TextField
          name="promptSet"
          label="Prompt set (optional)"
          error={errors.promptSet}
          className={input}
          placeholder="omit for a global set"
          options={promptSets.map((s) => ({
            value: s.name,
            label: `${s.label === s.name ? "" : `${s.label} — `}v${s.version}, ${s.promptCount} prompts`,
          }))}
        />
        <TextField
          name="promptSetVersion"
          label="Prompt set version (optional)"
          error={errors.promptSetVersion}
          className={input}
          inputMode="numeric"
          placeholder="latest"
        />
      </div>
      <div>
        <label htmlFor="f-description" className="text-sm font-medium">
          Description (optional)
        </label>
        <textarea
          id="f-description"
          name="description"
          rows={2}
          className={input}
          aria-invalid={!!errors.description}
          aria-describedby={describedBy("description")}
        />
        <FieldError id="description-error" testId="error-description" msg={errors.description} />
      </div>
      <ApiKeyField value={apiKey} onChange={setApiKey} error={errors.apiKey} className={input} />
      {progress !== null && <UploadProgress percent={progress} />}
      {general && (
        <p role="alert" className="text-sm text-rose-700">
          <UserText text={general} max={4000} />
        </p>
      )}
      {stored && (
        <div
          role="status"
          className="rounded border border-emerald-300 bg-emerald-50 p-3 text-sm"
          data-testid="reference-upload-summary"
        >
          Stored <UserText text={stored.name} /> version {stored.version}: {stored.images} image
          {stored.images === 1 ? "" : "s"}; {stored.queuedRuns} scored run
          {stored.queuedRuns === 1 ? "" : "s"} queued for comparison.{" "}
          <Link href={stored.pageUrl} className="underline">
            Open the reference set
          </Link>
          {stored.ignoredFiles?.length ? (
            <p className="mt-1 text-slate-600">
              Ignored (not images the manifest names): <UserText text={stored.ignoredFiles.slice(0, 8).join(", ")} />
            </p>
          ) : null}
        </div>
      )}
      <div>
        <button
          type="submit"
          disabled={progress !== null}
          className="rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          Upload reference set
        </button>
      </div>
    </form>
  );
}

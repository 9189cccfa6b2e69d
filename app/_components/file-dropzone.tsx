"use client";
// The upload forms' file picker (click, keyboard or drag and drop, its error under it) and their
// upload progress bar.
import { useRef, useState } from "react";
import { FieldError } from "./form-bits";

/**
 * A drop zone with a hidden file input (`data-testid` `${testId}-input` for tests). `multiple`
 * lets it take several files at once; `onFiles` gets the chosen or dropped files (never empty).
 */
export function FileDropzone({
  id,
  label,
  accept,
  multiple = false,
  error,
  testId,
  inputTestId,
  onFiles,
  children,
}: {
  id: string;
  label: string;
  accept?: string;
  multiple?: boolean;
  error?: string;
  testId: string;
  inputTestId: string;
  onFiles: (files: File[]) => void;
  children: React.ReactNode;
}) {
  const [drag, setDrag] = useState(false);
  const inputRef = useRef<HTMLInputElement>(null);
  const take = (list: FileList | null | undefined) => {
    const files = [...(list ?? [])];
    if (files.length) onFiles(multiple ? files : files.slice(0, 1));
  };
  return (
    <div>
      <span className="block text-sm font-medium" id={`${id}-label`}>
        {label}
      </span>
      <div
        role="button"
        tabIndex={0}
        aria-labelledby={`${id}-label`}
        aria-describedby={error ? `${id}-error` : undefined}
        aria-invalid={!!error}
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
          take(e.dataTransfer.files);
        }}
        className={`mt-1 flex min-h-28 cursor-pointer flex-col items-center justify-center rounded border-2 border-dashed p-4 text-center text-sm focus-visible:outline focus-visible:outline-2 focus-visible:outline-indigo-500 ${
          drag ? "border-indigo-500 bg-indigo-50" : error ? "border-rose-400" : "border-slate-300 bg-white"
        }`}
        data-testid={testId}
      >
        {children}
      </div>
      <input
        ref={inputRef}
        type="file"
        name={id}
        accept={accept}
        multiple={multiple}
        // Named like the drop zone, and out of the tab order: the drop zone is the one control keyboards reach.
        aria-labelledby={`${id}-label`}
        tabIndex={-1}
        className="sr-only"
        onChange={(e) => take(e.target.files)}
        data-testid={inputTestId}
      />
      <FieldError id={`${id}-error`} testId={`error-${id}`} msg={error} />
    </div>
  );
}

/** The progress bar shown while a body is sent (`percent` 0–100). */
export function UploadProgress({ percent }: { percent: number }) {
  return (
    <div>
      <div className="mb-1 text-sm">Uploading… {percent}%</div>
      <div
        role="progressbar"
        aria-label="Upload progress"
        aria-valuemin={0}
        aria-valuemax={100}
        aria-valuenow={percent}
        className="h-3 w-full overflow-hidden rounded bg-slate-200"
      >
        <div className="h-full bg-indigo-500" style={{ width: `${percent}%` }} />
      </div>
    </div>
  );
}

"use client";
// Pieces the upload and generate forms share: inline field errors and the API key this
// browser remembers between the two.
import { useEffect, useState } from "react";
import { UserText } from "./user-text";

const API_KEY_STORAGE = "t2i-api-key";

/** An error shown under the input it belongs to (the input names it with aria-describedby). */
export function FieldError({ id, testId, msg }: { id: string; testId: string; msg?: string }) {
  if (!msg) return null;
  return (
    <p id={id} role="alert" className="mt-1 whitespace-pre-line text-sm text-rose-700" data-testid={testId}>
      <UserText text={msg} max={4000} />
    </p>
  );
}

/** The API key typed into any form, kept in localStorage; call `remember()` once it is used. */
export function useStoredApiKey(): [string, (v: string) => void, () => void] {
  const [apiKey, setApiKey] = useState("");
  useEffect(() => {
    // Fill in a remembered key, but never over one the user typed before this effect ran, or
    // before hydration (then only the input element holds it, not the state).
    const stored = window.localStorage.getItem(API_KEY_STORAGE) ?? "";
    const inDom = (document.getElementById("f-apiKey") as HTMLInputElement | null)?.value ?? "";
    setApiKey((typed) => typed || inDom || stored);
  }, []);
  return [apiKey, setApiKey, () => window.localStorage.setItem(API_KEY_STORAGE, apiKey)];
}

/** The upload forms' API key input (id `f-apiKey`), its error under it. */
export function ApiKeyField({
  value,
  onChange,
  error,
  className,
}: {
  value: string;
  onChange: (v: string) => void;
  error?: string;
  className: string;
}) {
  return (
    <div>
      <label htmlFor="f-apiKey" className="text-sm font-medium">
        API key
      </label>
      <input
        id="f-apiKey"
        name="apiKey"
        type="password"
        autoComplete="off"
        value={value}
        onChange={(e) => onChange(e.target.value)}
        className={className}
        aria-invalid={!!error}
        aria-describedby={error ? "apiKey-error" : undefined}
        placeholder="t2i_… (npm run apikey -- create --name NAME)"
      />
      <FieldError id="apiKey-error" testId="error-apiKey" msg={error} />
    </div>
  );
}

/** A labelled text input (id `f-${name}`) with its error under it. */
export function TextField({
  name,
  label,
  error,
  className,
  required,
  inputMode,
  placeholder,
  options,
}: {
  name: string;
  label: string;
  error?: string;
  className: string;
  required?: boolean;
  inputMode?: "decimal" | "numeric";
  placeholder?: string;
  /** Suggestions to pick from (a datalist: typing another value stays possible). */
  options?: { value: string; label: string }[];
}) {
  return (
    <div>
      <label htmlFor={`f-${name}`} className="text-sm font-medium">
        {label}
      </label>
      <input
        id={`f-${name}`}
        name={name}
        required={required}
        inputMode={inputMode}
        className={className}
        aria-invalid={!!error}
        aria-describedby={error ? `${name}-error` : undefined}
        placeholder={placeholder}
        list={options ? `f-${name}-options` : undefined}
      />
      {options && (
        <datalist id={`f-${name}-options`} data-testid={`options-${name}`}>
          {options.map((o) => (
            <option key={o.value} value={o.value} label={o.label} />
          ))}
        </datalist>
      )}
      <FieldError id={`${name}-error`} testId={`error-${name}`} msg={error} />
    </div>
  );
}

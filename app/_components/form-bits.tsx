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
    setApiKey(window.localStorage.getItem(API_KEY_STORAGE) ?? "");
  }, []);
  return [apiKey, setApiKey, () => window.localStorage.setItem(API_KEY_STORAGE, apiKey)];
}

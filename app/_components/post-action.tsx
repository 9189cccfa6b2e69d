"use client";
// A button that POSTs to one API route with the API key this browser remembers (retry or
// re-score a run, cancel a generation), shows the answer, and refreshes the page.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useStoredApiKey } from "./form-bits";

export function PostAction({
  url,
  label,
  intro,
  successText,
  tone = "primary",
}: {
  url: string;
  label: string;
  intro?: string;
  successText: string;
  tone?: "primary" | "danger";
}) {
  const router = useRouter();
  const [apiKey, setApiKey, rememberKey] = useStoredApiKey();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(url, { method: "POST", headers: { Authorization: `Bearer ${apiKey.trim()}` } });
      const body = (await res.json().catch(() => ({}))) as { message?: string; error?: { message: string } };
      if (!res.ok) return setMessage({ ok: false, text: body.error?.message ?? `the server answered ${res.status}` });
      rememberKey();
      setMessage({ ok: true, text: body.message ?? successText });
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: `could not reach the server: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  const button = tone === "danger" ? "bg-rose-600 hover:bg-rose-700" : "bg-indigo-600 hover:bg-indigo-700";
  return (
    <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-2 text-sm" aria-label={label}>
      {intro && <p className="w-full text-slate-600">{intro}</p>}
      <label className="flex flex-col">
        API key
        <input
          type="password"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          required
          className="mt-1 rounded border border-slate-300 px-2 py-1"
          autoComplete="off"
        />
      </label>
      <button
        type="submit"
        disabled={busy}
        className={`rounded px-3 py-1.5 font-medium text-white disabled:opacity-50 ${button}`}
      >
        {busy ? "Sending…" : label}
      </button>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={`w-full ${message.ok ? "text-emerald-800" : "text-rose-700"}`}
          data-testid="run-action-message"
        >
          {message.text}
        </p>
      )}
    </form>
  );
}

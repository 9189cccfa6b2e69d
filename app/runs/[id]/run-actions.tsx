"use client";
// Retry a failed run, or re-score a scored one with the installed evaluator, from its page:
// POSTs to /api/v1/runs/{id}/retry|rescore with the API key this browser remembers, then
// refreshes the page, whose progress bar follows the scoring.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useStoredApiKey } from "@/app/_components/form-bits";

type Action = "retry" | "rescore";

const LABEL: Record<Action, string> = { retry: "Retry scoring", rescore: "Re-score with the installed evaluator" };

export function RunActions({ id, action, evaluator }: { id: string; action: Action; evaluator?: string }) {
  const router = useRouter();
  const [apiKey, setApiKey, rememberKey] = useStoredApiKey();
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);

  async function submit(e: React.FormEvent) {
    e.preventDefault();
    setBusy(true);
    setMessage(null);
    try {
      const res = await fetch(`/api/v1/runs/${id}/${action}`, { method: "POST", headers: { Authorization: `Bearer ${apiKey.trim()}` } });
      const body = (await res.json().catch(() => ({}))) as { message?: string; error?: { message: string } };
      if (!res.ok) return setMessage({ ok: false, text: body.error?.message ?? `the server answered ${res.status}` });
      rememberKey();
      setMessage({ ok: true, text: body.message ?? "queued for scoring" });
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: `could not reach the server: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form onSubmit={submit} className="mt-3 flex flex-wrap items-end gap-2 text-sm" aria-label={LABEL[action]}>
      {action === "rescore" && evaluator && <p className="w-full text-slate-600">This run has no scores from the installed evaluator {evaluator} yet.</p>}
      <label className="flex flex-col">
        API key
        <input type="password" value={apiKey} onChange={(e) => setApiKey(e.target.value)} required className="mt-1 rounded border border-slate-300 px-2 py-1" autoComplete="off" />
      </label>
      <button type="submit" disabled={busy} className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white disabled:opacity-50">
        {busy ? "Sending…" : LABEL[action]}
      </button>
      {message && (
        <p role={message.ok ? "status" : "alert"} className={`w-full ${message.ok ? "text-emerald-800" : "text-rose-700"}`} data-testid="run-action-message">
          {message.text}
        </p>
      )}
    </form>
  );
}

"use client";
// An admin sets (or clears) the default diversity level of a prompt set version's board for one
// evaluator: PUT / DELETE /api/v1/prompt-sets/{id}/level with the API key this browser remembers.
// The service records it in the audit log; a reference set tied to the version still comes first.
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useStoredApiKey } from "./form-bits";

export function LevelForm({
  promptSetId,
  evaluatorId,
  current,
}: {
  promptSetId: string;
  evaluatorId: string;
  current: number | null;
}) {
  const router = useRouter();
  const [apiKey, setApiKey, rememberKey] = useStoredApiKey();
  const [level, setLevel] = useState(current === null ? "" : String(+current.toFixed(4)));
  const [note, setNote] = useState("");
  const [busy, setBusy] = useState(false);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | null>(null);
  const url = `/api/v1/prompt-sets/${encodeURIComponent(promptSetId)}/level`;

  async function send(clear: boolean) {
    setBusy(true);
    setMessage(null);
    try {
      const res = clear
        ? await fetch(`${url}?evaluator=${encodeURIComponent(evaluatorId)}`, {
            method: "DELETE",
            headers: { Authorization: `Bearer ${apiKey.trim()}` },
          })
        : await fetch(url, {
            method: "PUT",
            headers: { Authorization: `Bearer ${apiKey.trim()}`, "Content-Type": "application/json" },
            body: JSON.stringify({
              evaluator: evaluatorId,
              diversity: Number(level),
              ...(note.trim() ? { note } : {}),
            }),
          });
      const body = (await res.json().catch(() => ({}))) as {
        level?: { value: number; rule: string } | null;
        error?: { message: string };
      };
      if (!res.ok) return setMessage({ ok: false, text: body.error?.message ?? `the server answered ${res.status}` });
      rememberKey();
      setMessage({ ok: true, text: body.level ? `Level ${body.level.value}: ${body.level.rule}.` : "Cleared." });
      router.refresh();
    } catch (err) {
      setMessage({ ok: false, text: `could not reach the server: ${(err as Error).message}` });
    } finally {
      setBusy(false);
    }
  }

  return (
    <form
      onSubmit={(e) => {
        e.preventDefault();
        void send(false);
      }}
      className="mt-2 flex flex-wrap items-end gap-2 text-sm"
      aria-label="Set the default diversity level"
      data-testid="level-form"
    >
      <label className="flex flex-col">
        Default level (0–2)
        <input
          type="number"
          min={0}
          max={2}
          step="any"
          required
          value={level}
          onChange={(e) => setLevel(e.target.value)}
          className="mt-1 w-28 rounded border border-slate-300 px-2 py-1"
        />
      </label>
      <label className="flex flex-col">
        Why (optional)
        <input
          value={note}
          onChange={(e) => setNote(e.target.value)}
          maxLength={500}
          className="mt-1 w-56 rounded border border-slate-300 px-2 py-1"
        />
      </label>
      <label className="flex flex-col">
        Admin API key
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
        className="rounded bg-indigo-600 px-3 py-1.5 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
      >
        Set level
      </button>
      <button
        type="button"
        disabled={busy || !apiKey.trim()}
        onClick={() => void send(true)}
        className="rounded border border-slate-300 px-3 py-1.5 hover:bg-slate-50 disabled:opacity-50"
      >
        Clear
      </button>
      {message && (
        <p
          role={message.ok ? "status" : "alert"}
          className={`w-full ${message.ok ? "text-emerald-800" : "text-rose-700"}`}
        >
          {message.text}
        </p>
      )}
    </form>
  );
}

"use client";
// The "Manage" panel of the run and variant pages: hide/unhide with a reason, delete (two
// clicks), and for variants rename / description / links. Calls the REST API with the API key
// this browser remembers, so the server's owner rules decide; its refusal is shown as is.
import { useState } from "react";
import { useStoredApiKey } from "./form-bits";

type Props = {
  kind: "run" | "variant";
  /** Run id, or variant id. */
  id: string;
  hidden: boolean;
  /** Where to go after a delete. */
  afterDelete: string;
  variant?: { name: string; description: string | null; links: string[] };
};

type ErrorBody = { error?: { message?: string } };

export function ManageActions({ kind, id, hidden, afterDelete, variant }: Props) {
  const [apiKey, setApiKey, rememberKey] = useStoredApiKey();
  const [reason, setReason] = useState("");
  const [confirming, setConfirming] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const [name, setName] = useState(variant?.name ?? "");
  const [description, setDescription] = useState(variant?.description ?? "");
  const [links, setLinks] = useState((variant?.links ?? []).join("\n"));
  const base = `/api/v1/${kind === "run" ? "runs" : "variants"}/${encodeURIComponent(id)}`;

  async function call(method: string, path: string, body?: unknown): Promise<boolean> {
    setBusy(true);
    setError(undefined);
    try {
      const res = await fetch(path, {
        method,
        headers: {
          Authorization: `Bearer ${apiKey.trim()}`,
          ...(body !== undefined ? { "content-type": "application/json" } : {}),
        },
        body: body !== undefined ? JSON.stringify(body) : undefined,
      });
      if (!res.ok) {
        const b = (await res.json().catch(() => ({}))) as ErrorBody;
        setError(b.error?.message ?? `the server answered ${res.status}`);
        return false;
      }
      rememberKey();
      return true;
    } catch (e) {
      setError(`could not reach the server: ${(e as Error).message}`);
      return false;
    } finally {
      setBusy(false);
    }
  }

  const reload = () => window.location.reload();
  const button =
    "rounded px-3 py-1.5 font-medium focus-visible:outline focus-visible:outline-2 focus-visible:outline-offset-2 disabled:opacity-50";

  return (
    <details className="mt-6 rounded border border-slate-200 bg-white p-3 text-sm" data-testid="manage">
      <summary className="cursor-pointer font-medium">Manage this {kind}</summary>
      <p className="mt-2 text-slate-600">
        Needs the API key that created it, or an admin key. Every change is recorded in the audit log.
      </p>
      <label className="mt-2 flex max-w-md flex-col">
        API key
        <input
          type="password"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          autoComplete="off"
          className="mt-1 rounded border border-slate-300 px-2 py-1"
          data-testid="manage-key"
        />
      </label>

      <div className="mt-3 flex flex-wrap items-end gap-2">
        {hidden ? (
          <button
            type="button"
            disabled={busy}
            onClick={async () => (await call("POST", `${base}/unhide`)) && reload()}
            className={`${button} bg-slate-700 text-white`}
            data-testid="unhide"
          >
            Unhide
          </button>
        ) : (
          <>
            <label className="flex flex-col">
              Reason for hiding (shown to readers)
              <input
                value={reason}
                onChange={(e) => setReason(e.target.value)}
                className="mt-1 w-80 rounded border border-slate-300 px-2 py-1"
                data-testid="hide-reason"
              />
            </label>
            <button
              type="button"
              disabled={busy}
              onClick={async () => (await call("POST", `${base}/hide`, { reason })) && reload()}
              className={`${button} bg-slate-700 text-white`}
              data-testid="hide"
            >
              Hide from rankings
            </button>
          </>
        )}
        {confirming ? (
          <button
            type="button"
            disabled={busy}
            onClick={async () => (await call("DELETE", base)) && window.location.assign(afterDelete)}
            className={`${button} bg-rose-700 text-white`}
            data-testid="delete-confirm"
          >
            Really delete{kind === "variant" ? " it with all its runs" : ""}? This cannot be undone
          </button>
        ) : (
          <button
            type="button"
            disabled={busy}
            onClick={() => setConfirming(true)}
            className={`${button} border border-rose-700 text-rose-800`}
            data-testid="delete"
          >
            Delete…
          </button>
        )}
      </div>

      {variant && (
        <form
          className="mt-4 flex max-w-xl flex-col gap-2"
          aria-label="Edit variant"
          onSubmit={async (e) => {
            e.preventDefault();
            const change = {
              name: name.trim(),
              description,
              links: links
                .split("\n")
                .map((l) => l.trim())
                .filter(Boolean),
            };
            if (await call("PATCH", base, change)) window.location.assign(`/variants/${encodeURIComponent(id)}`);
          }}
        >
          <label className="flex flex-col">
            Name
            <input
              value={name}
              onChange={(e) => setName(e.target.value)}
              className="mt-1 rounded border border-slate-300 px-2 py-1"
              data-testid="edit-name"
            />
          </label>
          <label className="flex flex-col">
            Description
            <textarea
              value={description}
              onChange={(e) => setDescription(e.target.value)}
              rows={3}
              className="mt-1 rounded border border-slate-300 px-2 py-1"
              data-testid="edit-description"
            />
          </label>
          <label className="flex flex-col">
            Links (http or https, one per line)
            <textarea
              value={links}
              onChange={(e) => setLinks(e.target.value)}
              rows={2}
              className="mt-1 rounded border border-slate-300 px-2 py-1"
              data-testid="edit-links"
            />
          </label>
          <button
            type="submit"
            disabled={busy}
            className={`${button} self-start bg-indigo-600 text-white`}
            data-testid="edit-save"
          >
            Save
          </button>
        </form>
      )}

      {error && (
        <p role="alert" className="mt-2 text-rose-700" data-testid="manage-error">
          {error}
        </p>
      )}
    </details>
  );
}

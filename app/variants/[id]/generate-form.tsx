"use client";
// Asks GPU workers for samples of this variant: posts to POST /api/v1/generations with the
// API key (kept in this browser like the upload form's), shows the server's validation errors
// next to the field they name, and lists the new runs, which then appear in the table above.
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { FieldError, useStoredApiKey } from "@/app/_components/form-bits";
import { UserText } from "@/app/_components/user-text";

type ApiError = { code: string; message: string; details?: Record<string, unknown> };
type FieldErrors = Partial<Record<Field, string>>;
type Field = "promptSet" | "guidanceScales" | "samplesPerPrompt" | "seed" | "steps" | "size" | "apiKey";
type Created = {
  id: string;
  runs: { id: string; guidanceScale: number }[];
  samples: number;
  tasks: number;
  seed: number;
};

/** `label`: the name, or for a set made from uploads its first variant and prompt (lib/prompt-sets/list-prompt-sets.ts). */
export type PromptSetOption = { name: string; version: number; promptCount: number; label: string };

const FIELDS: readonly Field[] = ["promptSet", "guidanceScales", "samplesPerPrompt", "seed", "steps", "size", "apiKey"];

/** Which input an API error belongs to ("guidanceScales.2" → guidanceScales). */
export function generationErrorsFor(status: number, err: ApiError): { fields: FieldErrors; general?: string } {
  if (status === 401) return { fields: { apiKey: err.message } };
  const d = err.details ?? {};
  if ("promptSet" in d) return { fields: { promptSet: err.message } };
  if ("requested" in d) return { fields: { samplesPerPrompt: err.message } };
  const fields: FieldErrors = {};
  const rest: string[] = [];
  for (const i of (Array.isArray(d.issues) ? d.issues : []) as { path: string; message: string }[]) {
    const f = FIELDS.find((name) => i.path === name || i.path.startsWith(`${name}.`));
    if (f) fields[f] = fields[f] ? `${fields[f]}; ${i.message}` : i.message;
    else rest.push(i.path ? `${i.path}: ${i.message}` : i.message);
  }
  if (Object.keys(fields).length === 0) return { fields, general: err.message };
  return { fields, general: rest.length ? rest.join("; ") : undefined };
}

/** "1, 2,3.5" → [1, 2, 3.5]; undefined when an entry is not a number. */
export function parseScales(text: string): number[] | undefined {
  const parts = text
    .split(",")
    .map((s) => s.trim())
    .filter(Boolean);
  const nums = parts.map(Number);
  return parts.length > 0 && nums.every((n) => Number.isFinite(n)) ? nums : undefined;
}

export function GenerateForm({
  variant,
  promptSets,
  defaultPromptSet,
}: {
  variant: string;
  promptSets: PromptSetOption[];
  /** The set the variant's runs are on, when it has any: offered first. */
  defaultPromptSet?: string;
}) {
  const router = useRouter();
  const [apiKey, setApiKey, rememberApiKey] = useStoredApiKey();
  const [errors, setErrors] = useState<FieldErrors>({});
  const [general, setGeneral] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const [created, setCreated] = useState<Created | null>(null);

  const a11y = (f: Field) => ({
    "aria-invalid": !!errors[f],
    "aria-describedby": errors[f] ? `gen-${f}-error` : undefined,
  });

  async function onSubmit(e: React.FormEvent<HTMLFormElement>) {
    e.preventDefault();
    setErrors({});
    setGeneral(null);
    setCreated(null);
    const fd = new FormData(e.currentTarget);
    const text = (k: string) => String(fd.get(k) ?? "").trim();
    const local: FieldErrors = {};
    const guidanceScales = parseScales(text("guidanceScales"));
    if (!guidanceScales)
      local.guidanceScales = "List guidance scales as numbers separated by commas, e.g. 1, 2, 3, 5, 8.";
    if (!text("promptSet")) local.promptSet = "Choose a prompt set.";
    if (!apiKey.trim()) local.apiKey = "Generating needs an API key (npm run apikey -- create --name NAME).";
    const num = (k: Field) => (text(k) === "" ? undefined : Number(text(k)));
    for (const k of ["samplesPerPrompt", "seed", "steps", "size"] as const) {
      const v = num(k);
      if (v !== undefined && !Number.isInteger(v)) local[k] = "Give a whole number.";
    }
    if (Object.keys(local).length) {
      setErrors(local);
      return;
    }
    rememberApiKey();
    setBusy(true);
    try {
      const body = {
        variant,
        promptSet: text("promptSet"),
        guidanceScales,
        samplesPerPrompt: num("samplesPerPrompt"),
        seed: num("seed"),
        steps: num("steps"),
        size: num("size"),
      };
      const res = await fetch("/api/v1/generations", {
        method: "POST",
        headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
        body: JSON.stringify(body),
      });
      const json = (await res.json().catch(() => ({}))) as Created & { error?: ApiError };
      if (res.status === 202) {
        setCreated(json);
        router.refresh();
      } else if (json.error) {
        const mapped = generationErrorsFor(res.status, json.error);
        setErrors(mapped.fields);
        setGeneral(mapped.general ?? null);
      } else {
        setGeneral(`The request failed (HTTP ${res.status}).`);
      }
    } catch {
      setGeneral("The request did not reach the server (network error). Try again.");
    } finally {
      setBusy(false);
    }
  }

  const input = "mt-1 w-full rounded border border-slate-300 px-2 py-1.5 aria-[invalid=true]:border-rose-500";
  return (
    <form onSubmit={onSubmit} noValidate className="mt-3 grid max-w-2xl gap-4" data-testid="generate-form">
      <div className="grid gap-4 sm:grid-cols-2">
        <div>
          <label htmlFor="gen-promptSet" className="text-sm font-medium">
            Prompt set
          </label>
          <select
            id="gen-promptSet"
            name="promptSet"
            className={input}
            defaultValue={promptSets.find((s) => s.name === defaultPromptSet)?.name ?? promptSets[0]?.name ?? ""}
            {...a11y("promptSet")}
          >
            {promptSets.length === 0 && <option value="">— no prompt sets yet —</option>}
            {promptSets.map((s) => (
              <option key={s.name} value={s.name}>
                {s.label} v{s.version} ({s.promptCount} prompts)
              </option>
            ))}
          </select>
          <FieldError id="gen-promptSet-error" testId="gen-error-promptSet" msg={errors.promptSet} />
        </div>
        <div>
          <label htmlFor="gen-guidanceScales" className="text-sm font-medium">
            Guidance scales
          </label>
          <input
            id="gen-guidanceScales"
            name="guidanceScales"
            defaultValue="1,2,3,5,8"
            inputMode="decimal"
            className={input}
            {...a11y("guidanceScales")}
          />
          <FieldError id="gen-guidanceScales-error" testId="gen-error-guidanceScales" msg={errors.guidanceScales} />
        </div>
        <div>
          <label htmlFor="gen-samplesPerPrompt" className="text-sm font-medium">
            Samples per prompt
          </label>
          <input
            id="gen-samplesPerPrompt"
            name="samplesPerPrompt"
            defaultValue="4"
            inputMode="numeric"
            className={input}
            {...a11y("samplesPerPrompt")}
          />
          <FieldError
            id="gen-samplesPerPrompt-error"
            testId="gen-error-samplesPerPrompt"
            msg={errors.samplesPerPrompt}
          />
        </div>
        <div>
          <label htmlFor="gen-seed" className="text-sm font-medium">
            Seed (optional)
          </label>
          <input
            id="gen-seed"
            name="seed"
            inputMode="numeric"
            placeholder="random"
            className={input}
            {...a11y("seed")}
          />
          <FieldError id="gen-seed-error" testId="gen-error-seed" msg={errors.seed} />
        </div>
        <div>
          <label htmlFor="gen-steps" className="text-sm font-medium">
            Steps (DDIM)
          </label>
          <input
            id="gen-steps"
            name="steps"
            defaultValue="50"
            inputMode="numeric"
            className={input}
            {...a11y("steps")}
          />
          <FieldError id="gen-steps-error" testId="gen-error-steps" msg={errors.steps} />
        </div>
        <div>
          <label htmlFor="gen-size" className="text-sm font-medium">
            Size (pixels, square)
          </label>
          <input id="gen-size" name="size" defaultValue="512" inputMode="numeric" className={input} {...a11y("size")} />
          <FieldError id="gen-size-error" testId="gen-error-size" msg={errors.size} />
        </div>
      </div>
      <div>
        <label htmlFor="gen-apiKey" className="text-sm font-medium">
          API key
        </label>
        <input
          id="gen-apiKey"
          type="password"
          autoComplete="off"
          value={apiKey}
          onChange={(e) => setApiKey(e.target.value)}
          placeholder="t2i_… (npm run apikey -- create --name NAME)"
          className={input}
          {...a11y("apiKey")}
        />
        <FieldError id="gen-apiKey-error" testId="gen-error-apiKey" msg={errors.apiKey} />
      </div>
      {general && (
        <p role="alert" className="text-sm text-rose-700" data-testid="gen-error-general">
          <UserText text={general} max={4000} />
        </p>
      )}
      <div>
        <button
          type="submit"
          disabled={busy}
          className="rounded bg-indigo-600 px-4 py-2 font-medium text-white hover:bg-indigo-700 disabled:opacity-50"
        >
          {busy ? "Requesting…" : "Generate"}
        </button>
      </div>
      <div role="status" aria-live="polite" data-testid="generate-result">
        {created && (
          <div className="rounded bg-emerald-50 p-3 text-sm text-emerald-900">
            Generation{" "}
            <Link href={`/generations/${created.id}`} className="underline" data-testid="generation-link">
              {created.id}
            </Link>{" "}
            queued: {created.samples} samples in {created.tasks} tasks (seed {created.seed}). Runs:{" "}
            {created.runs.map((r, i) => (
              <span key={r.id}>
                {i > 0 && ", "}
                <Link href={`/runs/${r.id}`} className="underline">
                  guidance {r.guidanceScale}
                </Link>
              </span>
            ))}
            .
          </div>
        )}
      </div>
    </form>
  );
}

import type { Metadata } from "next";
import Link from "next/link";
import { StatusBadge } from "@/app/_components/badges";
import { orNotFound } from "@/app/_components/or-not-found";
import { PostAction } from "@/app/_components/post-action";
import { UserText } from "@/app/_components/user-text";
import { getGenerationOrThrow } from "@/lib/generation/get-generation-or-throw";
import { leaderboardUrl } from "@/lib/leaderboard/run-leaderboard";
import { AutoRefresh } from "./auto-refresh";

export const dynamic = "force-dynamic";

/** After this long with no task claimed, the page says how to start a worker. */
const UNCLAIMED_HINT_AFTER_S = 10;

type Props = { params: Promise<{ id: string }> };

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  const { id } = await params;
  const g = orNotFound(() => getGenerationOrThrow(id));
  return { title: `Generation for ${g.variant.name} on ${g.promptSet.name} (${g.status})` };
}

const TASK_STATES = ["queued", "running", "done", "failed", "cancelled"] as const;

export default async function GenerationPage({ params }: Props) {
  const { id } = await params;
  const g = orNotFound(() => getGenerationOrThrow(id));
  const active = g.status === "queued" || g.status === "running";
  const claimed = g.tasks.running + g.tasks.done + g.tasks.failed > 0;
  const waitedS = (Date.now() - new Date(g.createdAt).getTime()) / 1000;
  const noWorker = active && !claimed && waitedS >= UNCLAIMED_HINT_AFTER_S;

  return (
    <div>
      <AutoRefresh active={active} />
      <p className="text-sm text-slate-500">
        <Link href={`/variants/${g.variant.id}`} className="underline">
          <UserText text={g.variant.name} expand={false} />
        </Link>{" "}
        · prompt set{" "}
        <Link href={leaderboardUrl(g.promptSet.name)} className="underline">
          <UserText text={g.promptSet.name} expand={false} /> v{g.promptSet.version}
        </Link>
      </p>
      <h1 className="mt-1 break-words text-2xl font-semibold">
        Generation {g.id} <StatusBadge status={g.status} />
      </h1>
      <p className="mt-1 text-sm text-slate-600">
        guidance {g.guidanceScales.join(", ")} · {g.samplesPerPrompt} samples per prompt · {g.steps} steps · {g.sampler}{" "}
        · {g.width}×{g.height} · seed {g.seed} · requested{" "}
        {new Date(g.createdAt).toISOString().replace("T", " ").slice(0, 19)} UTC
      </p>
      {g.error && <p className="mt-2 rounded bg-rose-50 p-3 text-sm text-rose-900">{g.error}</p>}

      {noWorker && (
        <div
          role="status"
          className="mt-4 rounded border border-amber-300 bg-amber-50 p-3 text-sm text-amber-950"
          data-testid="no-worker-hint"
        >
          <p>
            <strong>No worker has claimed a task yet</strong> ({Math.round(waitedS)} s since the request) — start one
            with
          </p>
          <pre className="mt-2 overflow-x-auto whitespace-pre rounded bg-amber-100 p-2 text-xs">{`npm run worker-token -- create --name gpu-1     # once, on the server; prints T2I_WORKER_TOKEN
T2I_WORKER_TOKEN=t2iw_… npm run gpu-worker -- --server ${"<this server's URL>"} \\
  --variant ${JSON.stringify(g.variant.name)} --engine onnx --model DIR`}</pre>
          <p className="mt-1">
            on a machine with a GPU (or <code>--engine command --command &quot;…&quot;</code> to run your own
            generator). Only workers declaring this variant pick its tasks up.
          </p>
        </div>
      )}

      <section aria-labelledby="progress" className="mt-6">
        <h2 id="progress" className="text-lg font-semibold">
          Progress
        </h2>
        <p className="mt-1 text-sm" data-testid="generation-progress">
          {g.progress.generated} of {g.progress.total} samples generated
        </p>
        <dl className="mt-2 grid grid-cols-3 gap-2 text-sm sm:grid-cols-6" data-testid="generation-tasks">
          <div className="rounded border border-slate-200 bg-white p-2">
            <dt className="text-xs text-slate-500">tasks</dt>
            <dd className="font-semibold">{g.tasks.total}</dd>
          </div>
          {TASK_STATES.map((s) => (
            <div key={s} className="rounded border border-slate-200 bg-white p-2">
              <dt className="text-xs text-slate-500">{s}</dt>
              <dd className="font-semibold">{g.tasks[s]}</dd>
            </div>
          ))}
        </dl>
        {active && (
          <PostAction
            url={`/api/v1/generations/${g.id}/cancel`}
            label="Cancel generation"
            intro="Cancelling stops handing out this generation's tasks; runs whose samples are not all in fail as cancelled, runs already complete are scored."
            successText="cancelled"
            tone="danger"
          />
        )}
      </section>

      <section aria-labelledby="runs" className="mt-8">
        <h2 id="runs" className="text-lg font-semibold">
          Runs (one per guidance scale)
        </h2>
        <div className="mt-2 overflow-x-auto">
          <table className="w-full min-w-[32rem] border-collapse bg-white text-sm" data-testid="generation-runs">
            <thead>
              <tr className="border-b border-slate-200 text-left">
                <th scope="col" className="p-2">
                  Run
                </th>
                <th scope="col" className="p-2">
                  Guidance
                </th>
                <th scope="col" className="p-2">
                  Status
                </th>
                <th scope="col" className="p-2 text-right">
                  Generated
                </th>
                <th scope="col" className="p-2 text-right">
                  Scored
                </th>
              </tr>
            </thead>
            <tbody>
              {g.runs.map((r) => (
                <tr key={r.id} className="border-b border-slate-100">
                  <td className="p-2">
                    <Link href={r.pageUrl} className="underline">
                      {r.id}
                    </Link>
                  </td>
                  <td className="p-2">{r.guidanceScale}</td>
                  <td className="p-2">
                    <StatusBadge status={r.status} />
                    {r.error && (
                      <span className="ml-1 text-xs text-rose-800">
                        <UserText text={r.error} />
                      </span>
                    )}
                  </td>
                  <td className="p-2 text-right">
                    {r.generated.done} / {r.generated.total}
                  </td>
                  <td className="p-2 text-right">
                    {r.scoring.done} / {r.scoring.total}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
        <p className="mt-2 text-xs text-slate-500">
          As JSON:{" "}
          <a href={g.statusUrl} className="underline">
            {g.statusUrl}
          </a>
        </p>
      </section>
    </div>
  );
}

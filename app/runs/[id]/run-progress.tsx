"use client";
// Live progress while a run is queued or scoring: polls the REST API and refreshes the page
// (server-rendered metrics) once the run has finished.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Progress = { status: string; done: number; total: number };

export function RunProgress({ id, initial }: { id: string; initial: Progress }) {
  const router = useRouter();
  const [p, setP] = useState(initial);
  const live = p.status === "queued" || p.status === "scoring";

  useEffect(() => {
    if (!live) return;
    let stop = false;
    const tick = async () => {
      try {
        const res = await fetch(`/api/v1/runs/${id}`, { cache: "no-store" });
        if (res.ok) {
          const run = (await res.json()) as { status: string; progress: { done: number; total: number } };
          if (stop) return;
          setP({ status: run.status, done: run.progress.done, total: run.progress.total });
          if (run.status !== "queued" && run.status !== "scoring") {
            router.refresh();
            return;
          }
        }
      } catch {
        // A dropped poll is retried on the next tick.
      }
      if (!stop) setTimeout(tick, 1000);
    };
    const t = setTimeout(tick, 500);
    return () => {
      stop = true;
      clearTimeout(t);
    };
  }, [id, live, router]);

  const pct = p.total > 0 ? Math.round((100 * p.done) / p.total) : 0;
  return (
    <div className="my-4" data-testid="run-progress" data-status={p.status}>
      <div className="mb-1 flex justify-between text-sm text-slate-600">
        <span>
          Scoring: <strong>{p.status}</strong>
        </span>
        <span>
          {p.done} / {p.total} samples
        </span>
      </div>
      <div role="progressbar" aria-label="Scoring progress" aria-valuemin={0} aria-valuemax={p.total} aria-valuenow={p.done} className="h-3 w-full overflow-hidden rounded bg-slate-200">
        <div className={`h-full ${p.status === "failed" ? "bg-rose-500" : "bg-indigo-500"} transition-all`} style={{ width: `${pct}%` }} />
      </div>
    </div>
  );
}

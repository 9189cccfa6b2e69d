"use client";
// Live progress while a run is generating, queued or scoring: polls the REST API and refreshes
// the page (server-rendered samples and metrics) once the run has finished. Generated runs show
// how many samples the GPU workers have stored before the scoring bar.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";

type Counts = { done: number; total: number };
type Progress = { status: string; done: number; total: number; generation: Counts | null };

const LIVE = new Set(["generating", "queued", "scoring"]);

function Bar({ label, counts, failed, testId }: { label: string; counts: Counts; failed: boolean; testId: string }) {
  const pct = counts.total > 0 ? Math.round((100 * counts.done) / counts.total) : 0;
  return (
    <div
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={counts.total}
      aria-valuenow={counts.done}
      className="h-3 w-full overflow-hidden rounded bg-slate-200"
      data-testid={testId}
    >
      <div
        className={`h-full ${failed ? "bg-rose-500" : "bg-indigo-500"} transition-all`}
        style={{ width: `${pct}%` }}
      />
    </div>
  );
}

export function RunProgress({ id, initial }: { id: string; initial: Progress }) {
  const router = useRouter();
  const [p, setP] = useState(initial);
  const live = LIVE.has(p.status);

  useEffect(() => {
    if (!live) return;
    let stop = false;
    let seen = initial.generation?.done;
    const tick = async () => {
      try {
        const res = await fetch(`/api/v1/runs/${id}`, { cache: "no-store" });
        if (res.ok) {
          const run = (await res.json()) as { status: string; progress: Counts; generation: Counts | null };
          if (stop) return;
          setP({ status: run.status, done: run.progress.done, total: run.progress.total, generation: run.generation });
          if (!LIVE.has(run.status)) {
            router.refresh();
            return;
          }
          // New samples arrived: show them in the grids below.
          if (run.generation && run.generation.done !== seen) {
            seen = run.generation.done;
            router.refresh();
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
  }, [id, live, router, initial.generation?.done]);

  const failed = p.status === "failed";
  return (
    <div className="my-4 grid gap-3" data-testid="run-progress" data-status={p.status}>
      {p.generation && (
        <div data-testid="generation-progress">
          <div className="mb-1 flex justify-between text-sm text-slate-600">
            <span>
              Generation:{" "}
              <strong>
                {p.status === "generating"
                  ? "generating"
                  : failed && p.generation.done < p.generation.total
                    ? "stopped"
                    : "done"}
              </strong>
            </span>
            <span>
              generated {p.generation.done} / {p.generation.total} samples
            </span>
          </div>
          <Bar
            label="Generation progress"
            counts={p.generation}
            failed={failed && p.generation.done < p.generation.total}
            testId="generation-bar"
          />
        </div>
      )}
      <div>
        <div className="mb-1 flex justify-between text-sm text-slate-600">
          <span>
            Scoring: <strong>{p.status === "generating" ? "waiting for the samples" : p.status}</strong>
          </span>
          <span>
            {p.status === "generating" ? 0 : p.done} / {p.total} samples
          </span>
        </div>
        <Bar
          label="Scoring progress"
          counts={{ done: p.status === "generating" ? 0 : p.done, total: p.total }}
          failed={failed}
          testId="scoring-bar"
        />
      </div>
    </div>
  );
}

export function DemoBadge({ show }: { show: boolean }) {
  if (!show) return null;
  return (
    <span
      title="Demo data: the toy-world experiment seeded on first start (trained toy generators scored by the toy-world evaluator; meaningful only inside the toy world)"
      className="ml-2 rounded bg-sky-100 px-1.5 py-0.5 align-middle text-xs font-medium text-sky-800"
    >
      demo · toy world
    </span>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const colors: Record<string, string> = {
    generating: "bg-amber-100 text-amber-900",
    queued: "bg-slate-200 text-slate-800",
    scoring: "bg-indigo-100 text-indigo-800",
    scored: "bg-emerald-100 text-emerald-800",
    failed: "bg-rose-100 text-rose-800",
    running: "bg-indigo-100 text-indigo-800",
    done: "bg-emerald-100 text-emerald-800",
    cancelled: "bg-slate-200 text-slate-700",
  };
  return (
    <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${colors[status] ?? "bg-slate-100"}`}>{status}</span>
  );
}

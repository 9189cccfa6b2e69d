// What `npm start` shows while the service is not ready yet (first start: the web build and the
// demo's seeding; every start: Next.js loading its build). scripts/service/serve.ts listens on the
// port from its first second and answers every request here: pages get a self-refreshing
// "starting — building / seeding the demo" page with each phase's step and count, the API a 503
// in the one error shape with Retry-After. The same progress gives the start-up log its lines.
// Estimates are drawn from the step's own rate so far, never from a fixed guess.
import { createHash } from "node:crypto";
import type { IncomingMessage, ServerResponse } from "node:http";

export type PhaseState = "waiting" | "running" | "done" | "failed" | "skipped";

/** A counted step: `done` of `total` `unit` (e.g. 96 of 224 generation tasks). */
export type StepCount = { done: number; total: number; unit: string };

export type StartPhase = {
  key: string;
  /** "building the web app", "seeding the demo", … */
  label: string;
  state: PhaseState;
  /** The current step within the phase ("compiling", "generating samples"). */
  step?: string;
  /** Step n of m within the phase, where the phase knows its steps in advance. */
  stepIndex?: { n: number; of: number };
  count?: StepCount;
  /** Why it failed or was skipped. */
  note?: string;
  startedAt?: number;
  stepStartedAt?: number;
  endedAt?: number;
};

export type StepUpdate = { step: string; stepIndex?: { n: number; of: number }; count?: StepCount };

/** Seconds left in a counted step from its rate so far; undefined until two units are done. */
export function secondsLeft(count: StepCount | undefined, stepStartedAt: number | undefined, now: number) {
  if (!count || stepStartedAt === undefined || count.done < 2 || count.done >= count.total) return undefined;
  const perUnit = (now - stepStartedAt) / 1000 / count.done;
  return Math.max(1, Math.round(perUnit * (count.total - count.done)));
}

export class StartupProgress {
  readonly startedAt: number;
  readonly phases: StartPhase[];
  private listeners: Array<(phase: StartPhase, changed: "state" | "step" | "count") => void> = [];

  constructor(
    phases: Array<{ key: string; label: string }>,
    private readonly clock: () => number = Date.now,
  ) {
    this.startedAt = clock();
    this.phases = phases.map((p) => ({ ...p, state: "waiting" }));
  }

  /** Called on every change: a phase starting or ending, a new step, a new count. */
  onChange(listener: (phase: StartPhase, changed: "state" | "step" | "count") => void): void {
    this.listeners.push(listener);
  }

  phase(key: string): StartPhase {
    const p = this.phases.find((x) => x.key === key);
    if (!p) throw new Error(`unknown start-up phase ${key}`);
    return p;
  }

  start(key: string): void {
    const p = this.phase(key);
    p.state = "running";
    p.startedAt = p.stepStartedAt = this.clock();
    this.emit(p, "state");
  }

  /** A new step (its own clock for the estimate) or a new count within the current step. */
  update(key: string, u: StepUpdate): void {
    const p = this.phase(key);
    if (p.state === "waiting") {
      p.state = "running";
      p.startedAt = this.clock();
    }
    const newStep = p.step !== u.step;
    if (newStep) p.stepStartedAt = this.clock();
    p.step = u.step;
    p.stepIndex = u.stepIndex ?? (newStep ? undefined : p.stepIndex);
    p.count = u.count ?? (newStep ? undefined : p.count);
    this.emit(p, newStep ? "step" : "count");
  }

  finish(key: string, state: "done" | "failed" | "skipped" = "done", note?: string): void {
    const p = this.phase(key);
    p.state = state;
    p.note = note;
    p.endedAt = this.clock();
    this.emit(p, "state");
  }

  get ready(): boolean {
    return this.phases.every((p) => p.state === "done" || p.state === "skipped");
  }

  /** "(n of m)": phases finished of those that run (skipped ones do not count). */
  tally(): { done: number; of: number } {
    const counted = this.phases.filter((p) => p.state !== "skipped");
    return { done: counted.filter((p) => p.state === "done").length, of: counted.length };
  }

  /** The running phases' labels: "building the web app / seeding the demo". */
  headline(): string {
    const running = this.phases.filter((p) => p.state === "running").map((p) => p.label);
    const t = this.tally();
    return `starting — ${running.length ? running.join(" / ") : "getting ready"} (${t.done} of ${t.of} done)`;
  }

  /** One phase in words: "seeding the demo: generating samples, 96 of 224 tasks (about 30 s left)". */
  describe(p: StartPhase, now = this.clock()): string {
    if (p.state === "waiting") return `${p.label}: waiting`;
    if (p.state === "skipped") return `${p.label}: skipped${p.note ? ` (${p.note})` : ""}`;
    if (p.state === "failed") return `${p.label}: failed${p.note ? ` (${p.note})` : ""}`;
    const took = ((p.endedAt ?? now) - (p.startedAt ?? now)) / 1000;
    if (p.state === "done") return `${p.label}: done in ${took.toFixed(0)} s`;
    const parts = [p.step ?? "started"];
    if (p.stepIndex) parts[0] += ` (step ${p.stepIndex.n} of ${p.stepIndex.of})`;
    if (p.count) parts.push(`${p.count.done} of ${p.count.total} ${p.count.unit}`);
    const left = secondsLeft(p.count, p.stepStartedAt, now);
    return `${p.label}: ${parts.join(", ")}${left !== undefined ? ` (about ${left} s left)` : ""}; ${took.toFixed(0)} s so far`;
  }

  /** Every phase that is not waiting, for the log's periodic line. */
  summary(now = this.clock()): string {
    return this.phases
      .filter((p) => p.state === "running")
      .map((p) => this.describe(p, now))
      .join(" · ");
  }

  private emit(p: StartPhase, changed: "state" | "step" | "count"): void {
    for (const l of this.listeners) l(p, changed);
  }
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"']/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" })[c]!);

/** Seconds between the page's checks on the service. */
export const STARTING_REFRESH_S = 2;

// Asks the API every few seconds: while it answers 503 the list is updated in place (announced
// politely), and once it answers the page reloads into the app. Without JavaScript, <noscript>
// reloads the whole page instead.
const POLL_SCRIPT = `(() => {
  const list = document.querySelector("[data-testid=starting-phases]");
  const head = document.querySelector("[data-testid=starting-headline]");
  const tick = async () => {
    try {
      const res = await fetch("/api/v1/health", { cache: "no-store" });
      if (res.ok) return location.reload();
      const body = await res.json();
      const phases = body.error && body.error.details && body.error.details.phases;
      if (phases) {
        head.textContent = body.error.details.headline;
        for (const p of phases) {
          const li = list.querySelector('[data-phase="' + p.key + '"]');
          if (li) { li.dataset.state = p.state; li.querySelector("span + span").textContent = p.summary; }
        }
      }
    } catch (e) {}
    setTimeout(tick, ${STARTING_REFRESH_S * 1000});
  };
  setTimeout(tick, ${STARTING_REFRESH_S * 1000});
})();`;
const POLL_SCRIPT_HASH = `sha256-${createHash("sha256").update(POLL_SCRIPT).digest("base64")}`;

const MARK: Record<PhaseState, string> = { waiting: "…", running: "▶", done: "✓", failed: "✗", skipped: "–" };

/** The whole starting page: one inline script (allowed by its hash), no external resource. */
export function startingPageHtml(progress: StartupProgress, now = Date.now()): string {
  const rows = progress.phases
    .map(
      (p) =>
        `<li data-phase="${escapeHtml(p.key)}" data-state="${p.state}"><span aria-hidden="true">${MARK[p.state]}</span> <span>${escapeHtml(progress.describe(p, now))}</span></li>`,
    )
    .join("\n");
  const title = escapeHtml(progress.headline());
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<noscript><meta http-equiv="refresh" content="${STARTING_REFRESH_S * 3}"></noscript>
<title>t2i-eval is starting</title>
<style>
body{font-family:system-ui,sans-serif;max-width:40rem;margin:3rem auto;padding:0 1rem;color:#0f172a;background:#f8fafc}
h1{font-size:1.4rem}ul{list-style:none;padding:0}li{margin:.5rem 0}p{color:#334155}
li[data-state=running]{font-weight:600}li[data-state=failed]{color:#9f1239}
</style>
</head>
<body>
<main>
<h1 data-testid="starting-headline">${title}</h1>
<ul data-testid="starting-phases" aria-live="polite">
${rows}
</ul>
<p>The service answers from its first second. This page follows the progress on its own and turns into the leaderboard once everything is ready; the terminal that ran <code>npm start</code> shows the same lines.</p>
</main>
<script>${POLL_SCRIPT}</script>
</body>
</html>
`;
}

/** Answers one request while starting: 503 and Retry-After; HTML for pages, the API's error shape for /api/. */
export function answerWhileStarting(req: IncomingMessage, res: ServerResponse, progress: StartupProgress): void {
  const now = Date.now();
  const path = (req.url ?? "/").split("?")[0]!;
  const headers = {
    "retry-after": String(STARTING_REFRESH_S),
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
  if (path.startsWith("/api/")) {
    const body = JSON.stringify({
      error: {
        code: "unavailable",
        message: `the service is ${progress.headline()}; try again in a few seconds`,
        details: {
          starting: true,
          headline: progress.headline(),
          phases: progress.phases.map((p) => ({
            key: p.key,
            label: p.label,
            state: p.state,
            step: p.step,
            count: p.count,
            summary: progress.describe(p, now),
          })),
        },
      },
    });
    res.writeHead(503, { ...headers, "content-type": "application/json", "content-length": Buffer.byteLength(body) });
    res.end(req.method === "HEAD" ? undefined : body);
    return;
  }
  const html = startingPageHtml(progress, now);
  res.writeHead(503, {
    ...headers,
    "content-type": "text/html; charset=utf-8",
    "content-length": Buffer.byteLength(html),
    "content-security-policy": `default-src 'none'; style-src 'unsafe-inline'; script-src '${POLL_SCRIPT_HASH}'; connect-src 'self'; frame-ancestors 'none'`,
  });
  res.end(req.method === "HEAD" ? undefined : html);
}

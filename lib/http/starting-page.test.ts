import { createHash } from "node:crypto";
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isBuildWarning, nextBuildStep } from "./next-build-progress";
import { answerWhileStarting, secondsLeft, startingPageHtml, StartupProgress } from "./starting-page";

function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (s: number) => (now += s * 1000) };
}

const PHASES = [
  { key: "build", label: "building the web app" },
  { key: "demo", label: "seeding the demo" },
  { key: "server", label: "loading the web app" },
];

describe("StartupProgress", () => {
  it("names the running phases with n of m done, skipped phases not counted", () => {
    const c = clock();
    const p = new StartupProgress(PHASES, c.now);
    p.start("build");
    p.start("demo");
    expect(p.headline()).toBe("starting — building the web app / seeding the demo (0 of 3 done)");
    p.finish("build", "skipped", "already built");
    expect(p.headline()).toBe("starting — seeding the demo (0 of 2 done)");
    p.finish("demo");
    p.start("server");
    expect(p.headline()).toBe("starting — loading the web app (1 of 2 done)");
    expect(p.ready).toBe(false);
    p.finish("server");
    expect(p.ready).toBe(true);
  });

  it("says the step, its count and an estimate drawn from the step's own rate", () => {
    const c = clock();
    const p = new StartupProgress(PHASES, c.now);
    p.update("demo", { step: "generating samples", count: { done: 0, total: 224, unit: "generation tasks" } });
    c.advance(10);
    p.update("demo", { step: "generating samples", count: { done: 56, total: 224, unit: "generation tasks" } });
    // 10 s for 56 tasks: 168 left take 30 s.
    expect(p.describe(p.phase("demo"))).toBe(
      "seeding the demo: generating samples, 56 of 224 generation tasks (about 30 s left); 10 s so far",
    );
    // A new step restarts the estimate's clock.
    p.update("demo", { step: "scoring", count: { done: 1, total: 28, unit: "runs" } });
    c.advance(5);
    expect(p.describe(p.phase("demo"))).toBe("seeding the demo: scoring, 1 of 28 runs; 15 s so far");
  });

  it("numbers a phase's known steps", () => {
    const p = new StartupProgress(PHASES, clock().now);
    p.start("build");
    p.update("build", nextBuildStep("  Collecting page data using 1 worker ...")!);
    expect(p.describe(p.phase("build"))).toBe("building the web app: collecting page data (step 2 of 4); 0 s so far");
  });

  it("tells every change to its listeners, counts apart from steps", () => {
    const p = new StartupProgress(PHASES, clock().now);
    const seen: string[] = [];
    p.onChange((ph, changed) => seen.push(`${ph.key}:${changed}`));
    p.start("demo");
    p.update("demo", { step: "a", count: { done: 0, total: 2, unit: "x" } });
    p.update("demo", { step: "a", count: { done: 1, total: 2, unit: "x" } });
    p.finish("demo");
    expect(seen).toEqual(["demo:state", "demo:step", "demo:count", "demo:state"]);
  });
});

describe("secondsLeft", () => {
  it("waits for two units before estimating and stops at the end", () => {
    expect(secondsLeft({ done: 1, total: 10, unit: "x" }, 0, 5000)).toBeUndefined();
    expect(secondsLeft({ done: 2, total: 10, unit: "x" }, 0, 4000)).toBe(16);
    expect(secondsLeft({ done: 10, total: 10, unit: "x" }, 0, 4000)).toBeUndefined();
  });
});

describe("nextBuildStep", () => {
  // Lines of a real `next build` (Next.js 16.4, Turbopack), colour codes removed.
  it("reads the four steps and the static pages' count from next build's lines", () => {
    expect(nextBuildStep("  Creating an optimized production build ...")).toEqual({
      step: "compiling",
      stepIndex: { n: 1, of: 4 },
    });
    expect(nextBuildStep("✓ Compiled successfully in 34.3s")).toBeUndefined();
    expect(nextBuildStep("  Generating static pages using 1 worker (4/8) ")).toEqual({
      step: "generating static pages",
      stepIndex: { n: 3, of: 4 },
      count: { done: 4, total: 8, unit: "pages" },
    });
    expect(nextBuildStep("  Finalizing page optimization ...")?.stepIndex).toEqual({ n: 4, of: 4 });
    expect(nextBuildStep("├ ƒ /compare")).toBeUndefined();
  });
});

describe("isBuildWarning", () => {
  it("flags the lines Turbopack printed about this project's code, not its progress lines", () => {
    // From a first start before the fixes (instrumentation.ts in the Edge build; whole-project tracing).
    expect(isBuildWarning("Turbopack build encountered 7 warnings:")).toBe(true);
    expect(
      isBuildWarning(
        "Warning: A Node.js API is used (process.once at line: 23) which is not supported in the Edge Runtime.",
      ),
    ).toBe(true);
    expect(isBuildWarning("Ecmascript file had an error")).toBe(true);
    expect(isBuildWarning("Warning: Dynamic filesystem access causes tracing of the whole project")).toBe(true);
    expect(isBuildWarning("✓ Compiled successfully in 34.3s")).toBe(false);
    expect(isBuildWarning("⚠ No build cache found. Please configure build caching for faster rebuilds.")).toBe(false);
  });
});

describe("answerWhileStarting", () => {
  const progress = new StartupProgress(PHASES);
  let server: http.Server;
  let base: string;
  beforeAll(async () => {
    progress.finish("build", "skipped", "already built");
    progress.update("demo", { step: "generating samples", count: { done: 3, total: 224, unit: "generation tasks" } });
    server = http.createServer((req, res) => answerWhileStarting(req, res, progress));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  it("answers a page with 503, Retry-After and a starting page that names the phase and its count", async () => {
    const res = await fetch(`${base}/variants/x?y=1`);
    expect(res.status).toBe(503);
    expect(res.headers.get("retry-after")).toBe("2");
    expect(res.headers.get("content-type")).toMatch(/^text\/html/);
    const html = await res.text();
    expect(html).toContain("starting — seeding the demo (0 of 2 done)");
    expect(html).toContain("generating samples, 3 of 224 generation tasks");
    expect(html).toMatch(/data-phase="build" data-state="skipped"/);
  });

  it("allows its one inline script by hash and nothing else", async () => {
    const res = await fetch(`${base}/`);
    const csp = res.headers.get("content-security-policy")!;
    const html = await res.text();
    const script = /<script>([\s\S]*?)<\/script>/.exec(html)![1]!;
    const hash = createHash("sha256").update(script).digest("base64");
    expect(csp).toContain(`script-src 'sha256-${hash}'`);
    expect(csp).toContain("default-src 'none'");
    expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/);
  });

  it("answers the API with 503 in the one error shape, the phases in its details", async () => {
    const res = await fetch(`${base}/api/v1/health`);
    expect(res.status).toBe(503);
    const body = (await res.json()) as {
      error: { code: string; message: string; details: { starting: boolean; phases: Array<{ key: string }> } };
    };
    expect(body.error.code).toBe("unavailable");
    expect(body.error.message).toMatch(/starting — seeding the demo/);
    expect(body.error.details.starting).toBe(true);
    expect(body.error.details.phases.map((p) => p.key)).toEqual(["build", "demo", "server"]);
  });

  it("escapes what it prints", () => {
    const p = new StartupProgress([{ key: "x", label: "<b>x</b>" }]);
    p.finish("x", "failed", `"quoted" & <tag>`);
    const html = startingPageHtml(p);
    expect(html).not.toContain("<b>x</b>");
    expect(html).toContain("&lt;b&gt;x&lt;/b&gt;: failed (&quot;quoted&quot; &amp; &lt;tag&gt;)");
  });
});

// Reading results (issue 13): 404 pages inside the layout, titles naming their subject, the
// generation page, legible plots, and every page at phone width. Screenshots go to
// test-results/ (each test's output folder) for review.
import fs from "node:fs/promises";
import { expect, test, type APIRequestContext, type Page, type TestInfo } from "@playwright/test";
import { apiKey, auth, uniqueName } from "../helpers";

async function shot(page: Page, info: TestInfo, name: string) {
  const path = info.outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: true });
  await info.attach(name, { path, contentType: "image/png" });
}

/** A new variant and two-prompt set, and a generation for it that no worker will claim. */
async function queuedGeneration(request: APIRequestContext) {
  const variant = uniqueName("read-gen");
  const promptSet = uniqueName("read-set");
  expect(
    (
      await request.post("/api/v1/variants", {
        data: { name: variant, conditioningType: "clip_image_embedding" },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  expect(
    (
      await request.post("/api/v1/prompt-sets", {
        data: {
          name: promptSet,
          prompts: [
            { id: "sq", prompt: "a red square" },
            { id: "ci", prompt: "a blue circle" },
          ],
        },
        headers: auth(),
      })
    ).status(),
  ).toBe(201);
  const res = await request.post("/api/v1/generations", {
    data: { variant, promptSet, guidanceScales: [1, 4], samplesPerPrompt: 2, seed: 3, steps: 10, size: 64 },
    headers: auth(),
  });
  expect(res.status(), await res.text()).toBe(202);
  const gen = (await res.json()) as { id: string; pageUrl: string; runs: { id: string }[] };
  return { variant, promptSet, gen };
}

test.describe("pages that never dead-end", () => {
  const cases = [
    { url: "/variants/no-such-variant", heading: "Variant not found", link: /toy-/ },
    { url: "/runs/run_doesnotexist", heading: "Run not found", link: /at guidance/ },
    { url: "/generations/gen_doesnotexist", heading: "Generation not found", link: null },
    { url: "/?promptSet=no-such-set", heading: "Not found", link: /toy-world-demo/ },
    { url: "/?promptSet=toy-world-demo&evaluator=no-such-evaluator", heading: "Not found", link: /toy-world-demo/ },
    { url: "/compare?promptSet=no-such-set", heading: "Not found", link: /toy-world-demo/ },
    { url: "/no/such/page", heading: "Not found", link: /toy-world-demo/ },
  ];
  for (const c of cases) {
    test(`${c.url} answers 404 inside the layout, linking to what exists`, async ({ page }, info) => {
      const res = await page.goto(c.url);
      expect(res?.status()).toBe(404);
      await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
      await expect(page.getByRole("heading", { level: 1 })).toHaveText(c.heading);
      // An unknown evaluator on a real prompt set keeps the leaderboard's title.
      if (!c.url.includes("evaluator=")) await expect(page).toHaveTitle(new RegExp(c.heading));
      if (c.link) await expect(page.getByTestId("not-found").getByRole("link", { name: c.link }).first()).toBeVisible();
      await expect(page.getByText("This page couldn't load")).toHaveCount(0);
      if (c.url.startsWith("/variants")) await shot(page, info, "not-found-variant");
    });
  }

  test("titles name the page's subject: the variant, the run's variant and guidance", async ({ page, request }) => {
    const runs = (await (await request.get("/api/v1/runs?promptSet=toy-world-demo&status=scored")).json()) as {
      runs: { id: string; variant: string; guidanceScale: number }[];
    };
    const run = runs.runs[0]!;
    await page.goto(`/runs/${run.id}`);
    await expect(page).toHaveTitle(`Run: ${run.variant} at guidance ${run.guidanceScale} (scored) · t2i-eval`);
    await page.getByRole("link", { name: run.variant }).first().click();
    await expect(page).toHaveTitle(`${run.variant} — variant · t2i-eval`);
    await page.goto("/?promptSet=toy-world-demo");
    await expect(page).toHaveTitle(/^Leaderboard — toy-world-demo v\d+/);
  });

  test("a generation has a page: status, tasks, the no-worker hint, a cancel button; its runs link to it", async ({
    page,
    request,
  }, info) => {
    const { variant, gen } = await queuedGeneration(request);
    expect(gen.pageUrl).toBe(`/generations/${gen.id}`);
    await page.goto(`/runs/${gen.runs[0]!.id}`);
    await page.getByTestId("run-generation").click();
    await expect(page).toHaveURL(new RegExp(`/generations/${gen.id}$`));
    await expect(page).toHaveTitle(new RegExp(`Generation for ${variant}`));
    await expect(page.getByTestId("generation-tasks")).toContainText("queued");
    await expect(page.getByTestId("generation-runs").getByRole("link")).toHaveCount(2);
    // Nothing claims the tasks: the page refreshes itself and says how to start a worker.
    await expect(page.getByTestId("no-worker-hint")).toContainText("No worker has claimed a task yet", {
      timeout: 30_000,
    });
    await expect(page.getByTestId("no-worker-hint")).toContainText(`npm run gpu-worker`);
    await expect(page.getByTestId("no-worker-hint")).toContainText(variant);
    await shot(page, info, "generation-waiting");

    await page.getByLabel("API key").fill(apiKey());
    await page.getByRole("button", { name: "Cancel generation" }).click();
    await expect(page.getByRole("heading", { level: 1 })).toContainText("cancelled");
    await expect(page.getByTestId("no-worker-hint")).toHaveCount(0);
    await expect(page.getByRole("button", { name: "Cancel generation" })).toHaveCount(0);
  });
});

test.describe("plots a reader can read", () => {
  test("each variant has its own colour and marker, labels never overlap, axes hug the data, CIs toggle", async ({
    page,
  }, info) => {
    await page.goto("/?promptSet=toy-world-demo");
    const chart = page.getByTestId("tradeoff-chart").first();
    await expect(chart.locator(".recharts-scatter-symbol").first()).toBeVisible();

    // Distinct colours and marker shapes across the variants' series.
    const styles = await chart.locator(".recharts-scatter").evaluateAll((groups) =>
      groups
        .map((g) => g.querySelector(".recharts-symbols"))
        .filter((s): s is SVGPathElement => !!s)
        .map(
          (s) =>
            `${s.getAttribute("fill")}|${s
              .getAttribute("d")
              ?.replace(/[-\d.]+/g, "")
              .slice(0, 12)}`,
        ),
    );
    expect(new Set(styles.map((s) => s.split("|")[0])).size).toBe(styles.length);
    expect(new Set(styles.map((s) => s.split("|")[1])).size).toBeGreaterThan(1);

    // No two guidance labels overlap.
    const boxes = await chart
      .locator(".recharts-label-list text")
      .evaluateAll((ts) => ts.filter((t) => t.textContent).map((t) => t.getBoundingClientRect().toJSON() as DOMRect));
    expect(boxes.length).toBeGreaterThan(0);
    for (let i = 0; i < boxes.length; i++)
      for (let j = i + 1; j < boxes.length; j++) {
        const a = boxes[i]!;
        const b = boxes[j]!;
        expect(
          a.left < b.right - 0.5 && b.left < a.right - 0.5 && a.top < b.bottom - 0.5 && b.top < a.bottom - 0.5,
          `labels ${i} and ${j} overlap`,
        ).toBe(false);
      }

    // Round ticks, and the y axis does not start at 0 when the data doesn't.
    const yTicks = (
      await chart
        .locator(
          ".recharts-yAxis-tick-labels .recharts-cartesian-axis-tick-value, .recharts-yAxis .recharts-cartesian-axis-tick-value",
        )
        .evaluateAll((ts) => ts.map((t) => t.textContent ?? ""))
    ).map(Number);
    expect(yTicks.length).toBeGreaterThan(1);
    const step = yTicks[1]! - yTicks[0]!;
    expect([1, 2, 5].some((f) => Math.abs(step / 10 ** Math.floor(Math.log10(step)) - f) < 1e-6)).toBe(true);

    // Error bars toggle.
    const bars = () => chart.locator(".recharts-errorBar").count();
    expect(await bars()).toBeGreaterThan(0);
    await shot(page, info, "leaderboard-plot");
    await chart.getByTestId("toggle-ci").uncheck();
    await expect.poll(bars).toBe(0);
    await chart.getByTestId("toggle-ci").check();
    await expect.poll(bars).toBeGreaterThan(0);

    // Hovering a point names it.
    await chart.locator(".recharts-scatter-symbol").first().hover();
    await expect(page.getByTestId("chart-tooltip")).toContainText("w =");
  });
});

test.describe("phone width", () => {
  test("every page fits 390 px without page-level horizontal scrolling", async ({ page, request }, info) => {
    test.setTimeout(240_000);
    await page.setViewportSize({ width: 390, height: 844 });
    const runs = (await (await request.get("/api/v1/runs?promptSet=toy-world-demo&status=scored")).json()) as {
      runs: { id: string; variant: string }[];
    };
    const run = runs.runs[0]!;
    const { gen } = await queuedGeneration(request);
    const pages: [string, string][] = [
      ["leaderboard", "/?promptSet=toy-world-demo"],
      ["upload", "/upload"],
      ["compare", "/compare?promptSet=toy-world-demo"],
      ["about-ranking", "/about/ranking"],
      ["docs-api", "/docs/api"],
      ["variant", `/variants/${encodeURIComponent(run.variant)}`],
      ["run", `/runs/${run.id}`],
      ["generation", `/generations/${gen.id}`],
      ["not-found", "/variants/no-such-variant"],
    ];
    for (const [name, url] of pages) {
      await page.goto(url);
      await expect(page.getByRole("heading", { level: 1 }).first()).toBeVisible();
      const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
      expect(overflow, `${url} overflows by ${overflow}px`).toBeLessThanOrEqual(1);
      await shot(page, info, `phone-${name}`);
    }
  });
});

test.describe("every table exports", () => {
  test("the run page's per-prompt metrics and per-sample scores download and parse", async ({ page, request }) => {
    // A run of a ranked variant: other specs hide and delete some demo variants.
    const board = (await (
      await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&format=json")
    ).json()) as { rows: { variant: string }[] };
    const runs = (await (
      await request.get(
        `/api/v1/runs?promptSet=toy-world-demo&status=scored&limit=1&variant=${encodeURIComponent(board.rows[0]!.variant)}`,
      )
    ).json()) as { runs: { id: string }[] };
    await page.goto(`/runs/${runs.runs[0]!.id}`);
    for (const what of ["prompts", "samples"] as const) {
      for (const format of ["csv", "json"] as const) {
        const [download] = await Promise.all([
          page.waitForEvent("download"),
          page.getByTestId(`download-${what}-${format}`).click(),
        ]);
        const text = await fs.readFile((await download.path())!, "utf8");
        if (format === "json") {
          const body = JSON.parse(text) as { prompts?: unknown[]; samples?: unknown[] };
          expect((body[what] ?? []).length, `${what}.${format}`).toBeGreaterThan(0);
        } else {
          const lines = text.trim().split("\n");
          expect(lines[0], `${what}.${format}`).toMatch(
            // Every row names its evaluator, run, variant, guidance scale and replicate (files concatenate).
            what === "samples"
              ? /^evaluator,runId,variant,guidanceScale,replicate,file,promptId,prompt,seed,sampleIndex,cosine,clipScore,truncated/
              : /^evaluator,runId,variant,guidanceScale,replicate,promptId,prompt,/,
          );
          expect(lines.length).toBeGreaterThan(1);
        }
      }
    }
  });
});

/** Waits until every image under the locator has decoded (naturalWidth > 0). */
async function expectImagesLoaded(page: Page, selector: string, atLeast: number) {
  const imgs = page.locator(selector);
  await expect.poll(() => imgs.count()).toBeGreaterThanOrEqual(atLeast);
  for (const img of await imgs.all()) {
    await img.scrollIntoViewIfNeeded();
    await expect.poll(() => img.evaluate((i: HTMLImageElement) => i.complete && i.naturalWidth)).toBeGreaterThan(0);
  }
}

test.describe("side by side", () => {
  test("from the leaderboard, one click shows every ranked variant's samples for a prompt; guidance steps; a variant's grid shows every scale", async ({
    page,
  }, info) => {
    await page.goto("/?promptSet=toy-world-demo");
    await page.getByTestId("samples-side-by-side").click();
    await expect(page).toHaveURL(/\/prompts\//);
    const rows = page.getByTestId("prompt-view-variant");
    expect(await rows.count()).toBeGreaterThanOrEqual(2);
    await expectImagesLoaded(page, "[data-testid=prompt-view-variant] img", 8);
    await expect(rows.first().getByTestId("prompt-diversity")).not.toHaveText("–");
    const title = await page.locator("[data-testid=sample-strip] a").first().getAttribute("title");
    expect(title).toMatch(/^CLIP score -?\d+\.\d\d · seed/);
    await shot(page, info, "prompt-view");

    const before = await rows.first().getByTestId("picked-guidance").innerText();
    await page.getByTestId("guidance-higher").click();
    await expect(page).toHaveURL(/shift=1/);
    const after = await page.getByTestId("prompt-view-variant").first().getByTestId("picked-guidance").innerText();
    expect(Number(after)).toBeGreaterThanOrEqual(Number(before));
    await page.getByTestId("guidance-lower").click();
    await expect(page).toHaveURL(/shift=0/);
    await expect(page.getByTestId("guidance-shift")).toHaveText("matched diversity");
    await page.getByTestId("guidance-lower").click();
    await expect(page).toHaveURL(/shift=-1/);
    await expect(page.getByTestId("guidance-shift")).toHaveText("1 step below the matched guidance");

    await page.getByTestId("variant-grid-link").first().click();
    await expect(page).toHaveURL(/\/variants\/.+\/prompts\//);
    const gridRows = page.getByTestId("guidance-row");
    expect(await gridRows.count()).toBeGreaterThanOrEqual(3);
    await expectImagesLoaded(page, "[data-testid=guidance-grid] img", 12);
    await shot(page, info, "variant-grid");
  });

  test("each per-prompt row of a run links to the prompt view and the variant's grid", async ({ page, request }) => {
    // A run of a ranked variant: other specs hide and delete some demo variants.
    const board = (await (
      await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&format=json")
    ).json()) as { rows: { variant: string }[] };
    const runs = (await (
      await request.get(
        `/api/v1/runs?promptSet=toy-world-demo&status=scored&limit=1&variant=${encodeURIComponent(board.rows[0]!.variant)}`,
      )
    ).json()) as { runs: { id: string }[] };
    await page.goto(`/runs/${runs.runs[0]!.id}`);
    await page.getByTestId("prompt-side-by-side").first().click();
    await expect(page.getByTestId("prompt-view-variant").first()).toBeVisible();
    await page.goBack();
    await page.getByTestId("prompt-all-guidance").first().click();
    await expect(page.getByTestId("guidance-row").first()).toBeVisible();
  });
});

test.describe("compare more than two", () => {
  test("4 variants: every curve and every pair; a variant against itself is refused by name", async ({
    page,
    request,
  }, info) => {
    const board = (await (
      await request.get("/api/v1/leaderboard/export?promptSet=toy-world-demo&format=json")
    ).json()) as { rows: { variantId: string; variant: string }[] };
    const ids = board.rows.slice(0, 4).map((r) => r.variantId);
    expect(ids).toHaveLength(4);
    await page.goto(`/compare?promptSet=toy-world-demo&${ids.map((id) => `v=${id}`).join("&")}`);
    await expect(page.getByRole("heading", { level: 1 })).toHaveText("4 variants compared");
    await expect(page.getByTestId("compare-pair")).toHaveCount(6);
    await expect(page.getByTestId("tradeoff-chart").locator(".recharts-legend-item")).toHaveCount(4);
    await shot(page, info, "compare-4");
    await expect(page.getByTestId("compare-side-by-side")).toHaveAttribute(
      "href",
      new RegExp(`variants=${ids.join(",")}`),
    );

    await page.goto(`/compare?promptSet=toy-world-demo&v=${ids[0]}&v=${ids[0]}`);
    await expect(page.getByText(/is chosen twice: a variant cannot be compared with itself/)).toContainText(
      board.rows[0]!.variant,
    );
    await expect(page.getByText(ids[0]!, { exact: false })).toHaveCount(0);
  });
});

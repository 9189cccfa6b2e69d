// Every page, checked by axe-core (no serious or critical violation) on a desktop and on a
// 390 px phone, where the page itself must not scroll sideways, every table either fits or
// scrolls inside its own box, no first-column word is broken letter by letter, the run page's
// per-prompt numbers can be scrolled into view beside their prompt, and the plot's legend stays
// clear of its axes.
import { expect, test, type Page } from "@playwright/test";
import { expectNoSeriousAxeViolations, seriousAxeViolations } from "../axe";

type Catalog = { variant: string; run: string; generation: string; promptKey: string; referenceSet: string };

async function catalog(page: Page): Promise<Catalog> {
  const get = async <T>(url: string) => (await (await page.request.get(url)).json()) as T;
  const variants = await get<{ variants: { id: string; name: string }[] }>("/api/v1/variants");
  const variant = variants.variants.find((v) => v.name === "toy-clip-text")!.id;
  const runs = await get<{ runs: { id: string }[] }>("/api/v1/runs?variant=toy-clip-text&status=scored&limit=1");
  const run = runs.runs[0]!.id;
  const detail = await get<{ generation: { id: string } | null }>(`/api/v1/runs/${run}`);
  const set = await get<{ prompts: { promptKey: string }[] }>("/api/v1/prompt-sets/toy-world-demo");
  const refs = await get<{ referenceSets: { id: string }[] }>("/api/v1/reference-sets");
  return {
    variant,
    run,
    generation: detail.generation!.id,
    promptKey: set.prompts[0]!.promptKey,
    referenceSet: refs.referenceSets[0]!.id,
  };
}

function pages(c: Catalog): string[] {
  const [a, b] = ["toy-clip-text", "toy-text-sequence"];
  return [
    "/",
    "/?refMetric=coverage",
    `/compare?promptSet=toy-world-demo&a=${a}&b=${b}`,
    "/about/ranking",
    "/docs/api",
    `/generations/${c.generation}`,
    `/prompts/${encodeURIComponent(c.promptKey)}?promptSet=toy-world-demo`,
    "/reference-sets",
    `/reference-sets/${c.referenceSet}`,
    "/reference-sets/upload",
    `/runs/${c.run}`,
    "/upload",
    `/variants/${c.variant}`,
    `/variants/${c.variant}/prompts/${encodeURIComponent(c.promptKey)}?promptSet=toy-world-demo`,
    "/no-such-page",
    "/runs/no-such-run",
  ];
}

test("axe finds no serious or critical violation on any page", async ({ page }) => {
  test.setTimeout(300_000);
  for (const url of pages(await catalog(page))) {
    await page.goto(url);
    await expectNoSeriousAxeViolations(page, url);
  }
});

test.describe("on a 390 px phone", () => {
  test.use({ viewport: { width: 390, height: 844 } });

  test("every page is readable: no sideways page scroll, tables fit or scroll in their box, first columns unbroken, no axe violation", async ({
    page,
  }) => {
    test.setTimeout(300_000);
    const all: string[] = [];
    for (const url of pages(await catalog(page))) {
      await page.goto(url);
      const problems = await page.evaluate(() => {
        const out: string[] = [];
        const vw = document.documentElement.clientWidth;
        if (document.documentElement.scrollWidth > vw + 1)
          out.push(`the page scrolls sideways (${document.documentElement.scrollWidth} px > ${vw} px)`);
        const scrolls = (el: Element | null): boolean => {
          for (let e = el; e && e !== document.body; e = e.parentElement) {
            const o = getComputedStyle(e).overflowX;
            if (o === "auto" || o === "scroll") return true;
          }
          return false;
        };
        const probe = document.createElement("span");
        probe.style.cssText = "position:absolute;visibility:hidden;white-space:nowrap";
        document.body.appendChild(probe);
        for (const [k, table] of [...document.querySelectorAll("table")].entries()) {
          if (table.getBoundingClientRect().width === 0) continue;
          const box = table.getBoundingClientRect();
          if (box.right > vw + 1 && !scrolls(table.parentElement))
            out.push(`table ${k} (${table.dataset.testid ?? ""}) runs off the screen without a scroll box`);
          for (const cell of table.querySelectorAll("tr > :first-child")) {
            const el = cell as HTMLElement;
            const text = el.innerText.trim();
            if (!text) continue;
            probe.style.font = getComputedStyle(el).font;
            const longest = Math.max(
              ...text.split(/\s+/).map((w) => {
                probe.textContent = w;
                return probe.getBoundingClientRect().width;
              }),
            );
            const style = getComputedStyle(el);
            const inner = el.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
            // A word wider than the column is broken letter by letter (or cut); allow long ids (> 24 chars).
            if (longest > inner + 1 && text.split(/\s+/).every((w) => w.length <= 24))
              out.push(
                `table ${k} (${table.dataset.testid ?? ""}): first-column word of "${text.slice(0, 30)}" is ${Math.round(longest)} px in ${inner} px`,
              );
          }
        }
        probe.remove();
        return out;
      });
      all.push(...problems.map((p) => `${url}: ${p}`));
      all.push(...(await seriousAxeViolations(page)).map((v) => `${url}: axe ${v}`));
    }
    // Every page's problems at once, so one run shows them all.
    expect(all).toEqual([]);
  });

  test("the run page's per-prompt numbers scroll into view beside their prompt", async ({ page }) => {
    const c = await catalog(page);
    await page.goto(`/runs/${c.run}`);
    const table = page.getByTestId("prompt-table");
    const box = table.locator("xpath=..");
    await box.evaluate((el) => el.scrollTo({ left: el.scrollWidth }));
    const last = table.locator("tbody tr").first().locator("td").last();
    const first = table.locator("tbody tr").first().locator("td").first();
    const [lastBox, firstBox] = [await last.boundingBox(), await first.boundingBox()];
    expect(lastBox!.x + lastBox!.width).toBeLessThanOrEqual(391);
    expect(firstBox!.x).toBeGreaterThanOrEqual(0);
    expect(firstBox!.x).toBeLessThan(40);
    expect(lastBox!.x).toBeGreaterThan(firstBox!.x + firstBox!.width - 1);
  });

  test("the plot's legend stays above the plot area, and the comparison level is marked", async ({ page }) => {
    await page.goto("/");
    const chart = page.getByTestId("tradeoff-chart").first();
    const legend = await chart.locator(".recharts-legend-wrapper").boundingBox();
    const grid = await chart.locator(".recharts-cartesian-grid").boundingBox();
    expect(legend!.y + legend!.height).toBeLessThanOrEqual(grid!.y + 1);
    await expect(chart.locator(".recharts-reference-line")).toHaveCount(1);
    await expect(chart).toContainText("comparison level");
  });
});

// Long and bidirectional user text (issue 9, part 7): a 10,000-character prompt must not widen the
// run page, and an unclosed right-to-left override in a sampler name or a description must not
// reverse the page text after it. Every piece of user text is a <bdi dir="auto"> (UserText).
import { expect, test, type Page } from "@playwright/test";
import { auth, makeSamples, manifestJsonl, uniqueName } from "../helpers";

const RLO = "\u202e";

async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}

/**
 * Whether `after` (a substring of the text node right after `el`) is laid out left to right: the
 * first character of its first word sits left of the word's last character.
 */
async function rendersLeftToRight(page: Page, selector: string, word: string): Promise<boolean> {
  return page.evaluate(
    ([sel, w]) => {
      const el = document.querySelector(sel)!;
      const walker = document.createTreeWalker(el.parentElement!, NodeFilter.SHOW_TEXT);
      let node: Node | null;
      while ((node = walker.nextNode())) {
        const at = node.textContent!.indexOf(w);
        if (at < 0 || el.contains(node)) continue;
        const box = (i: number) => {
          const r = document.createRange();
          r.setStart(node!, i);
          r.setEnd(node!, i + 1);
          return r.getBoundingClientRect().left;
        };
        return box(at) < box(at + w.length - 1);
      }
      throw new Error(`no text "${w}" after ${sel}`);
    },
    [selector, word] as const,
  );
}

test("a 10,000-character prompt and an unclosed RLO in the sampler neither widen nor reverse the run page", async ({
  page,
  request,
}) => {
  const longPrompt = Array.from({ length: 10_000 }, (_, i) => "abcdefghij"[i % 10]).join("");
  const samples = await makeSamples([longPrompt, "a short prompt"], 2);
  const fd = new FormData();
  const fields = {
    variant: uniqueName("ui-text"),
    conditioningType: "other",
    guidanceScale: "2",
    sampler: `ddim${RLO}evil`,
    steps: "50",
  };
  for (const [k, v] of Object.entries(fields)) fd.append(k, v);
  fd.append("manifest", new Blob([manifestJsonl(samples)]), "manifest.jsonl");
  for (const s of samples) fd.append("images", new Blob([new Uint8Array(s.data)]), s.name);
  const res = await request.post("/api/v1/runs", { multipart: fd, headers: auth() });
  expect(res.status(), await res.text()).toBe(202);
  const { id } = (await res.json()) as { id: string };
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/runs/${id}`)).json()) as { status: string }).status, {
      timeout: 60_000,
    })
    .toBe("scored");

  await page.goto(`/runs/${id}`);
  await expect(page.getByTestId("prompt-table")).toBeVisible();
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(1);

  // The prompt is cut, isolated, and whole on demand (title and "show all").
  const cell = page.getByTestId("prompt-table").locator("details").first();
  const head = cell.locator("summary [data-user-text]");
  await expect(head).toHaveAttribute("dir", "auto");
  expect(await head.evaluate((el) => getComputedStyle(el).unicodeBidi)).toBe("isolate");
  expect(await head.getAttribute("title")).toBe(longPrompt);
  await expect(cell.locator("summary")).toContainText("show all 10,000 characters");
  await cell.locator("summary").click();
  const full = cell.locator(":scope > [data-user-text]");
  await expect(full).toBeVisible();
  expect(await full.textContent()).toBe(longPrompt);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(1);

  // The sampler's override stays inside its isolate: " · 50 steps" after it reads left to right.
  const sampler = page.locator("[data-user-text]", { hasText: "ddim" });
  await expect(sampler).toHaveCount(1);
  expect(await sampler.evaluate((el) => [el.getAttribute("dir"), getComputedStyle(el).unicodeBidi])).toEqual([
    "auto",
    "isolate",
  ]);
  await sampler.evaluate((el) => el.setAttribute("id", "sampler-under-test"));
  expect(await rendersLeftToRight(page, "#sampler-under-test", "steps")).toBe(true);

  // Control: the same text without isolation is reversed by the browser, so the check above can fail.
  await page.evaluate((rlo) => {
    const p = document.createElement("p");
    p.innerHTML = `<span id="control-sampler">ddim${rlo}evil</span> · 50 steps`;
    document.body.append(p);
  }, RLO);
  expect(await rendersLeftToRight(page, "#control-sampler", "steps")).toBe(false);

  await page.setViewportSize({ width: 390, height: 844 });
  await page.reload();
  await expect(page.getByTestId("prompt-table")).toBeVisible();
  expect(await page.evaluate(() => document.body.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(1);
});

test("a variant's long description and right-to-left model name stay inside their boxes", async ({ page, request }) => {
  const name = uniqueName("ui-rtl");
  const description = "x".repeat(5000);
  const model = `\u05de\u05d5\u05d3\u05dc${RLO}v2`;
  const res = await request.post("/api/v1/variants", {
    data: { name, conditioningType: "other", description, model },
    headers: auth(),
  });
  expect(res.status(), await res.text()).toBe(201);
  await page.goto(`/variants/${name}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(name);
  expect(await horizontalOverflow(page)).toBeLessThanOrEqual(1);
  const shown = page.locator("[data-user-text]", { hasText: "\u05de\u05d5\u05d3\u05dc" });
  expect(await shown.evaluate((el) => [el.getAttribute("dir"), getComputedStyle(el).unicodeBidi])).toEqual([
    "auto",
    "isolate",
  ]);
  await expect(page.locator("[data-user-text][title]", { hasText: "xxxx" })).toHaveAttribute("title", description);
});

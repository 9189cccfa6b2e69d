// Pages that say what is true: a hidden variant's page says it is hidden (not "no scored runs"),
// an unknown prompt of a known variant is "Prompt not found", prompt pages are titled by the
// prompt's text, a partial run is flagged "n of m prompts" and left out of the ranking unless the
// reader opts in, and a re-upload of the same images without the optional sampler and steps is
// the same run, saying why.
import { expect, test, type APIRequestContext } from "@playwright/test";
import { zipBuffer } from "../../tools/test-support/uploads";
import { auth, makeSamples, manifestJsonl, uniqueName } from "../helpers";

type Upload = { id: string; duplicate: boolean; message?: string };

async function upload(
  request: APIRequestContext,
  fields: Record<string, string>,
  prompts: string[],
  salt: number,
): Promise<{ status: number; body: Upload }> {
  const samples = await makeSamples(prompts, 2, salt);
  const zip = await zipBuffer([
    { name: "manifest.jsonl", data: Buffer.from(manifestJsonl(samples)) },
    ...samples.map((s) => ({ name: s.name, data: s.data })),
  ]);
  const fd = new FormData();
  for (const [k, v] of Object.entries({ conditioningType: "text_sequence", ...fields })) fd.append(k, v);
  fd.append("archive", new Blob([new Uint8Array(zip)]), "batch.zip");
  const res = await request.post("/api/v1/runs", { multipart: fd, headers: auth() });
  return { status: res.status(), body: (await res.json()) as Upload };
}

async function scored(request: APIRequestContext, id: string) {
  await expect
    .poll(async () => ((await (await request.get(`/api/v1/runs/${id}`)).json()) as { status: string }).status, {
      timeout: 60_000,
    })
    .toBe("scored");
}

test("a hidden variant's page says it is hidden above its scored runs", async ({ page }) => {
  const variant = uniqueName("ui-hidden");
  const a = await upload(page.request, { variant, guidanceScale: "3" }, ["a red square", "a blue circle"], 11);
  expect(a.status).toBe(202);
  await scored(page.request, a.body.id);
  const hide = await page.request.post(`/api/v1/variants/${variant}/hide`, {
    data: { reason: "trained on the test set" },
    headers: auth(),
  });
  expect(hide.status(), await hide.text()).toBe(200);
  await page.goto(`/variants/${variant}`);
  await expect(page.getByTestId("variant-runs").locator("tbody tr")).toHaveCount(1);
  await expect(page.getByTestId("variant-not-ranked")).toContainText("the variant is hidden from rankings");
  await expect(page.getByTestId("variant-not-ranked")).not.toContainText("no scored runs");
});

test("partial runs are flagged n of m prompts and ranked only when the reader opts in", async ({ page }) => {
  const promptSet = uniqueName("ui-partial");
  const prompts = ["a red square", "a blue circle", "a green triangle"];
  const created = await page.request.post("/api/v1/prompt-sets", {
    data: { name: promptSet, prompts: prompts.map((prompt) => ({ prompt })) },
    headers: auth(),
  });
  expect(created.status(), await created.text()).toBe(201);
  const variant = uniqueName("ui-partial-v");
  const ids: string[] = [];
  for (const [g, salt] of [
    [2, 21],
    [6, 22],
  ] as const) {
    const r = await upload(page.request, { variant, promptSet, guidanceScale: String(g) }, prompts.slice(0, 2), salt);
    expect(r.status).toBe(202);
    ids.push(r.body.id);
  }
  for (const id of ids) await scored(page.request, id);

  await page.goto(`/?promptSet=${promptSet}`);
  await expect(page.getByTestId("partial-runs-note")).toContainText("2 runs lack some of the set's 3 prompts");
  await expect(page.getByTestId("leaderboard-row")).toHaveCount(0);
  await expect(page.getByTestId("unranked")).toContainText("partial: its runs cover 2 of the 3 prompts");
  await page.goto(`/variants/${variant}`);
  await expect(page.getByTestId("run-partial")).toHaveCount(2);
  await expect(page.getByTestId("run-partial").first()).toHaveText("2 of 3 prompts");

  await page.goto(`/?promptSet=${promptSet}`);
  await page.getByTestId("include-partial").check();
  await page.getByRole("form", { name: "Leaderboard filters" }).getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(/partial=include/);
  await expect(page.getByTestId("leaderboard-row")).toHaveCount(1);
  await expect(page.getByTestId("partial-runs-note")).toContainText("ranked at your request");
});

test("prompt pages are titled by the prompt's text, and an unknown prompt of a known variant is a prompt not found", async ({
  page,
}) => {
  const set = (await (await page.request.get("/api/v1/prompt-sets/toy-world-demo")).json()) as {
    prompts: { promptKey: string; text: string }[];
  };
  const first = set.prompts[0]!;
  await page.goto(`/prompts/${encodeURIComponent(first.promptKey)}?promptSet=toy-world-demo`);
  expect(await page.title()).toContain(`“${first.text.slice(0, 20)}`);
  expect(await page.title()).not.toContain(first.promptKey);

  const variants = (await (await page.request.get("/api/v1/variants")).json()) as {
    variants: { id: string; name: string }[];
  };
  const toy = variants.variants.find((v) => v.name === "toy-clip-text")!;
  const res = await page.goto(`/variants/${toy.id}/prompts/zzz`);
  expect(res?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Prompt not found");
  await expect(page.getByTestId("not-found")).toContainText(first.text);
  const unknown = await page.goto(`/variants/no-such-variant/prompts/zzz`);
  expect(unknown?.status()).toBe(404);
  await expect(page.getByRole("heading", { level: 1 })).toHaveText("Variant not found");
});

test("the same images re-uploaded without the optional sampler and steps are the same run, and the answer says why", async ({
  request,
}) => {
  const variant = uniqueName("ui-dup");
  const prompts = ["a red square", "a blue circle"];
  const first = await upload(request, { variant, guidanceScale: "4", sampler: "ddim", steps: "50" }, prompts, 31);
  expect(first.status).toBe(202);
  const again = await upload(request, { variant, guidanceScale: "4" }, prompts, 31);
  expect(again.status).toBe(200);
  expect(again.body).toMatchObject({ id: first.body.id, duplicate: true });
  expect(again.body.message).toContain("has the same images and prompts");
  expect(again.body.message).toContain("sampler ddim there, not given here");
});

test("a demo run's page offers no re-score button (the POST would answer 409)", async ({ page }) => {
  const runs = (await (await page.request.get("/api/v1/runs?variant=toy-clip-text&status=scored&limit=1")).json()) as {
    runs: { id: string }[];
  };
  const id = runs.runs[0]!.id;
  await page.goto(`/runs/${id}`);
  await expect(page.getByRole("heading", { level: 1 })).toContainText(id);
  await expect(page.getByRole("button", { name: "Re-score with the installed evaluator" })).toHaveCount(0);
  const post = await page.request.post(`/api/v1/runs/${id}/rescore`, { headers: auth() });
  expect(post.status()).toBe(409);
});

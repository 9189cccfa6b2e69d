// Feature reach: the Generate form and the reference-set form offer the prompt set a variant's
// uploads made (by a readable label), and that set can be renamed by its owner or an admin.
import { expect, test } from "@playwright/test";
import { zipBuffer } from "../../tools/test-support/uploads";
import { apiKey, auth, makeSamples, manifestJsonl, newApiKey, uniqueName } from "../helpers";

test("an upload's own prompt set is offered by a readable label to Generate and reference sets, and renamed by its owner", async ({
  page,
}) => {
  const variant = uniqueName("ui-reach");
  const prompts = [`a ${variant} square`, `a ${variant} circle`];
  const samples = await makeSamples(prompts, 2, 41);
  const zip = await zipBuffer([
    { name: "manifest.jsonl", data: Buffer.from(manifestJsonl(samples)) },
    ...samples.map((s) => ({ name: s.name, data: s.data })),
  ]);
  const fd = new FormData();
  for (const [k, v] of Object.entries({ variant, guidanceScale: "3", conditioningType: "text_sequence" }))
    fd.append(k, v);
  fd.append("archive", new Blob([new Uint8Array(zip)]), "batch.zip");
  const up = await page.request.post("/api/v1/runs", { multipart: fd, headers: auth() });
  expect(up.status(), await up.text()).toBe(202);
  const setName = ((await up.json()) as { leaderboard: { promptSet: { name: string } } }).leaderboard.promptSet.name;
  expect(setName).toMatch(/^upload-/);

  await page.goto(`/variants/${variant}`);
  const picked = page.locator("#gen-promptSet option:checked");
  await expect(picked).toHaveAttribute("value", setName);
  await expect(picked).toContainText(`${variant}: “a ${variant} circle” + 1 more`);

  await page.goto("/reference-sets/upload");
  await expect(page.getByTestId("options-promptSet").locator(`option[value="${setName}"]`)).toHaveCount(1);

  const renamed = uniqueName("ui-reach-set");
  const refused = await page.request.patch(`/api/v1/prompt-sets/${setName}`, {
    data: { name: renamed },
    headers: { Authorization: `Bearer ${newApiKey("submitter")}` },
  });
  expect(refused.status()).toBe(403);
  const ok = await page.request.patch(`/api/v1/prompt-sets/${setName}`, {
    data: { name: renamed },
    headers: { Authorization: `Bearer ${apiKey()}` },
  });
  expect(ok.status(), await ok.text()).toBe(200);
  const board = await page.goto(`/?promptSet=${renamed}`);
  expect(board?.status()).toBe(200);
  await page.goto(`/variants/${variant}`);
  await expect(page.locator("#gen-promptSet option:checked")).toHaveText(new RegExp(`^${renamed} v1`));
});

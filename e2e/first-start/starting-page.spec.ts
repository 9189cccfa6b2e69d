// The port answers from the start: a second service, started here on an empty data folder (the
// build exists), answers with the starting page while it seeds the demo, follows the progress on
// its own, and answers the API with 503 in the one error shape. Stopped before the seeding ends.
import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { ENTRY_POINTS } from "../../lib/core/entry-points";
import { expectNoSeriousAxeViolations } from "../axe";

const PORT = Number(process.env.E2E_PORT ?? 3100) + 1;
const BASE = `http://127.0.0.1:${PORT}`;

type Health = {
  error?: { code: string; details?: { starting?: boolean; phases?: Array<{ key: string; state: string }> } };
};

let child: ChildProcess | undefined;
let dataDir: string | undefined;

test.afterAll(() => {
  if (child?.pid) {
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
});

test("npm start answers the port while it seeds the demo: a starting page that follows the progress, 503 from the API", async ({
  page,
}) => {
  dataDir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-e2e-starting-"));
  child = spawn(process.execPath, ["--import", "tsx", ENTRY_POINTS.serve, "--port", String(PORT), "--no-prompt"], {
    env: { ...process.env, T2I_DATA_DIR: dataDir, T2I_INPROCESS_WORKER: "0" },
    stdio: "ignore",
    detached: true,
  });
  const health = async (): Promise<{ status: number; body: Health } | undefined> => {
    try {
      const res = await fetch(`${BASE}/api/v1/health`);
      return { status: res.status, body: (await res.json()) as Health };
    } catch {
      return undefined;
    }
  };
  // The demo's seeding is under way (the build exists here, so it was skipped) and the port answers.
  await expect
    .poll(async () => (await health())?.body.error?.details?.phases?.find((p) => p.key === "demo")?.state, {
      timeout: 60_000,
    })
    .toBe("running");
  const h = (await health())!;
  expect(h.status).toBe(503);
  expect(h.body.error?.code).toBe("unavailable");
  expect(h.body.error?.details?.starting).toBe(true);

  const res = await page.goto(`${BASE}/`);
  expect(res?.status()).toBe(503);
  await expect(page.getByTestId("starting-headline")).toContainText("starting — seeding the demo");
  const demo = page.locator('[data-phase="demo"]');
  await expect(demo).toHaveAttribute("data-state", "running");
  await expect(page.locator('[data-phase="build"]')).toHaveAttribute("data-state", "skipped");
  // It follows the progress without a reload: the demo's line changes in place.
  await page.evaluate(() => ((window as unknown as { sameDocument: boolean }).sameDocument = true));
  const before = await demo.innerText();
  await expect.poll(async () => demo.innerText(), { timeout: 30_000 }).not.toBe(before);
  expect(await page.evaluate(() => (window as unknown as { sameDocument?: boolean }).sameDocument)).toBe(true);
  await expectNoSeriousAxeViolations(page, "the starting page");
});

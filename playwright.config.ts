import { defineConfig } from "@playwright/test";

const PORT = Number(process.env.E2E_PORT ?? 3100);
const DATA_DIR = ".cache/e2e-data";

export default defineConfig({
  testDir: "e2e",
  forbidOnly: !!process.env.CI,
  retries: process.env.CI ? 1 : 0,
  workers: 1,
  timeout: 120_000,
  reporter: [["list"], ["html", { open: "never", outputFolder: "playwright-report" }]],
  outputDir: "test-results",
  use: {
    baseURL: `http://127.0.0.1:${PORT}`,
    trace: "on-first-retry",
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // First: "/" as a newcomer sees it, before any other spec writes data.
    { name: "first-start", testDir: "e2e/first-start" },
    { name: "api", testDir: "e2e/api", dependencies: ["first-start"] },
    { name: "ui", testDir: "e2e/ui", dependencies: ["api"] },
  ],
  webServer: {
    // A fresh data folder per run; the production build must exist (npm run test:e2e builds it).
    command: `rm -rf ${DATA_DIR} && node --import tsx scripts/service/serve.ts --port ${PORT} --no-prompt`,
    url: `http://127.0.0.1:${PORT}/api/v1/health`,
    // The demo is seeded before the health check answers 200: about 80 s on a quiet 2-core machine, over 3 minutes loaded.
    timeout: 360_000,
    reuseExistingServer: false,
    env: {
      T2I_DATA_DIR: DATA_DIR,
      T2I_RATE_LIMIT_WRITES_PER_MIN: "1000",
      T2I_RATE_LIMIT_READS_PER_MIN: "5000",
      T2I_JOB_POLL_MS: "200",
      // Short enough that e2e/api/generations.spec.ts can watch a lease expire.
      T2I_GEN_LEASE_MS: "4000",
      T2I_MAX_UPLOAD_BYTES: String(16 * 1024 * 1024),
      T2I_METRICS_MAX_IMAGES: "8",
    },
    stdout: "ignore",
    stderr: "pipe",
  },
});

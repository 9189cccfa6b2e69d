import { fileURLToPath } from "node:url";
import { defineConfig } from "vitest/config";

export default defineConfig({
  resolve: { alias: { "@": fileURLToPath(new URL("./", import.meta.url)) } },
  test: {
    include: [
      "app/**/*.test.ts",
      "lib/**/*.test.ts",
      "db/**/*.test.ts",
      "server/**/*.test.ts",
      "tools/**/*.test.ts",
      "tests/**/*.test.ts",
    ],
    environment: "node",
    // Installs PostgreSQL when missing (as root); the tests that need it start their own.
    globalSetup: ["tools/test-support/global-setup.ts"],
    pool: "forks",
    testTimeout: 60_000,
    reporters: ["default"],
  },
});

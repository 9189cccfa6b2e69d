// Test-support programs that tests start as child processes, by path (see lib/core/entry-points.ts).
export const TEST_ENTRY_POINTS = {
  claimerProcess: "tools/test-support/claimer-process.ts",
  holdWriteLock: "tools/test-support/hold-write-lock.ts",
  insertLargeRun: "tools/test-support/insert-large-run.ts",
  dyingQueueThread: "tools/test-support/dying-queue-thread.ts",
  uploadServer: "tools/test-support/upload-server.ts",
  serveRoutes: "tools/test-support/serve-routes.ts",
  generators: "tools/test-support/generators",
} as const;

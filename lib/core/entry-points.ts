// Files this project starts by path: child processes (scripts), worker threads and the HTTP
// front. The type checker cannot follow a path in a string, so every such path is named here
// once, and tests/architecture.test.ts fails when one of them no longer exists: a move then
// breaks a test, not a user. Paths are relative to the project root, the working folder of
// `npm start`, `npm run …`, vitest and Playwright.
export const ENTRY_POINTS = {
  // scripts/service: what runs the service
  serve: "scripts/service/serve.ts",
  worker: "scripts/service/worker.ts",
  gpuWorker: "scripts/service/gpu-worker.ts",
  checkCuda: "scripts/service/check-cuda.ts",
  migrate: "scripts/service/migrate.ts",
  fetchModel: "scripts/service/fetch-model.ts",
  apikey: "scripts/service/apikey.ts",
  workerToken: "scripts/service/worker-token.ts",
  seedDemo: "scripts/service/seed-demo.ts",
  // scripts/client: command-line clients
  upload: "scripts/client/upload.ts",
  runs: "scripts/client/runs.ts",
  referenceSets: "scripts/client/reference-sets.ts",
  score: "scripts/client/score.ts",
  // scripts/toy and scripts/fixtures
  toyExperiment: "scripts/toy/toy-experiment.ts",
  pilReference: "scripts/fixtures/pil-reference.py",
  // the HTTP front `npm start` runs in front of Next.js
  nextServer: "server/next-server.mjs",
  // worker threads (lib/core/threads.ts starts them from the sources)
  // the one thread holding the service's evaluator: works the queue and scores /api/v1/metrics batches
  queueThread: "lib/workers/queue-thread.ts",
  boardThread: "lib/leaderboard/board-thread.ts",
  seedThread: "lib/demo/seed-thread.ts",
} as const;

export type EntryPoint = keyof typeof ENTRY_POINTS;

// The one place that reads process.env. Everything else imports `config()`.
import os from "node:os";
import path from "node:path";
import { z } from "zod";

/**
 * Every environment variable the project reads, with what it does. docs/reference/configuration.md
 * is generated from this schema (`npm run docs:generate`): type and default come from the zod
 * types, the text from `.describe()`.
 */
export const envSchema = z.object({
  // Where things live.
  T2I_DATA_DIR: z
    .string()
    .min(1)
    .default("data")
    .describe("Folder holding the database, the image store, staging, thumbnails and installed models."),
  T2I_DB_PATH: z
    .string()
    .min(1)
    .optional()
    .describe("SQLite database file (WAL, foreign keys, busy timeout). Unset: `$T2I_DATA_DIR/t2i.sqlite`."),
  T2I_MODELS_DIR: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Where `npm run fetch-model` installs evaluators and the service finds them. Unset: `$T2I_DATA_DIR/models`.",
    ),
  T2I_CACHE_DIR: z
    .string()
    .min(1)
    .optional()
    .describe("Benchmark fixtures, the toy-world dataset and training runs. Unset: `~/.cache/t2i-eval`."),
  // The evaluator.
  T2I_MODEL_DIR: z
    .string()
    .min(1)
    .optional()
    .describe(
      "An explicit evaluator folder, or `fixture` / `toy` for a bundled one (the random-weight test evaluator, the toy-world evaluator). Unset: the model `npm run fetch-model` installed, else the random-weight test evaluator.",
    ),
  T2I_MODEL_VARIANT: z
    .enum(["fp32", "fp16", "quantized"])
    .default("fp32")
    .describe("Which ONNX weights of the evaluator folder to load."),
  T2I_FEATURE_EXTRACTORS: z
    .string()
    .optional()
    .describe(
      "Image feature spaces the distribution metrics against reference sets are also computed in, besides the " +
        "CLIP evaluator's: a comma-separated list of `<folder or catalogue name>[:<recipe>]` (recipe `dgm-eval`, the " +
        "default, or `hf`), e.g. `dinov2-l-14` or `/models/my-inception:hf`; `dinov2-fixture` names the bundled " +
        "random-weight DINOv2 (fixtures/dinov2-tiny), `none` turns them off. Unset: every image feature " +
        "extractor installed by fetch-model, under dgm-eval.",
    ),
  T2I_THREADS: z.coerce
    .number()
    .int()
    .min(1)
    .max(256)
    .optional()
    .describe("ONNX intra-op threads per session. Unset: the number of CPU cores."),
  HF_ENDPOINT: z
    .string()
    .url()
    .default("https://huggingface.co")
    .describe("Where `npm run fetch-model` downloads the evaluator from (a mirror of the Hugging Face Hub works)."),
  HF_TOKEN: z.string().optional().describe("Hugging Face token for `npm run fetch-model`, if the endpoint needs one."),
  // Bounds on what one image may cost, checked from its header before decoding.
  T2I_MAX_IMAGE_PIXELS: z.coerce
    .number()
    .int()
    .min(1)
    .default(40_000_000)
    .describe("Pixels of one image, read from its header before decoding; a larger image is refused."),
  T2I_MAX_ASPECT_RATIO: z.coerce
    .number()
    .min(1)
    .default(20)
    .describe(
      "Long side ÷ short side of one image, read from its header. The resize to a 224-pixel short side costs the aspect ratio times a square image's pixels, so a 1×19000 PNG gets `image_aspect_ratio` instead of a 4-GB resize.",
    ),
  // Upload ingestion limits (lib/uploads), enforced while streaming.
  T2I_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(2 * 1024 ** 3)
    .describe("Whole request body of one upload (a run or a reference set)."),
  T2I_MAX_ARCHIVE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe("One archive of an upload. Unset: `T2I_MAX_UPLOAD_BYTES`."),
  T2I_MAX_UPLOAD_FILES: z.coerce.number().int().min(1).default(20_000).describe("Images in one upload."),
  T2I_MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 ** 2)
    .describe("One image file of an upload."),
  T2I_MAX_MANIFEST_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(20 * 1024 ** 2)
    .describe("The manifest of an upload."),
  T2I_MAX_UNCOMPRESSED_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(4 * 1024 ** 3)
    .describe("Bytes extracted from one archive in all (a zip-bomb guard)."),
  // Images are compressed already: a real archive of them expands about 1:1, rarely past 3:1.
  T2I_MAX_COMPRESSION_RATIO: z.coerce
    .number()
    .min(1)
    .default(20)
    .describe(
      "Uncompressed ÷ compressed size above which an archive or one zip entry counts as a bomb (zip: from the central directory before extraction; tar.gz: while inflating), so one upload writes at most this many times its size to staging.",
    ),
  // The synchronous scoring endpoint.
  T2I_METRICS_MAX_IMAGES: z.coerce
    .number()
    .int()
    .min(1)
    .default(64)
    .describe("Images in one `POST /api/v1/metrics`; above it the answer is 413, pointing to `/api/v1/runs`."),
  T2I_METRICS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(32 * 1024 * 1024)
    .describe(
      "Body of one `POST /api/v1/metrics`, counted while it streams in (also without a Content-Length); above it, 413.",
    ),
  T2I_METRICS_MAX_PIXELS: z.coerce
    .number()
    .int()
    .min(1)
    .default(50_000_000)
    .describe(
      "Pixels of all images of one `POST /api/v1/metrics` together, read from their headers before anything is decoded; above it, 413.",
    ),
  // Database and scoring jobs (db/, lib/jobs/, lib/workers/).
  T2I_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL")
    .optional()
    .describe(
      "postgres://user:password@host:port/database: the PostgreSQL 15+ database that `npm run db:migrate` brings to the latest schema (db/migrations-pg). This version does not yet serve from PostgreSQL: `npm start` and the workers refuse to start with it set (docs/guides/deploy.md). Unset: SQLite at T2I_DB_PATH.",
    ),
  // Object store for images and thumbnails (lib/storage/object-store.ts); unset: the local data folder.
  T2I_STORAGE_URL: z
    .string()
    .regex(/^s3:\/\/[a-z0-9][a-z0-9.-]{1,61}[a-z0-9](\/[^\s]*)?$/, "must be s3://bucket or s3://bucket/prefix")
    .optional()
    .describe(
      "s3://bucket/prefix: keep images and thumbnails in an S3-compatible object store (shared by every web server and worker) instead of <T2I_DATA_DIR>/images and thumbs. Unset: the local folder.",
    ),
  T2I_S3_ENDPOINT: z
    .string()
    .url()
    .optional()
    .describe("The object store's endpoint for S3-compatible services (MinIO, Ceph, R2, s3rver); unset: AWS S3."),
  T2I_S3_REGION: z.string().min(1).default("us-east-1").describe("The bucket's region (default us-east-1)."),
  T2I_S3_ACCESS_KEY_ID: z
    .string()
    .min(1)
    .optional()
    .describe("Access key for the object store; unset: the AWS SDK's default chain (AWS_* variables, instance role)."),
  T2I_S3_SECRET_ACCESS_KEY: z.string().min(1).optional().describe("Secret for T2I_S3_ACCESS_KEY_ID."),
  T2I_S3_FORCE_PATH_STYLE: z
    .enum(["0", "1", "true", "false"])
    .optional()
    .describe(
      "Address buckets as <endpoint>/<bucket> (default: yes when T2I_S3_ENDPOINT is set, as MinIO and s3rver need).",
    ),
  T2I_STORAGE_REDIRECT: z
    .enum(["0", "1", "true", "false"])
    .default("0")
    .describe(
      "With an object store: answer image requests (the pages' images, thumbnails, scoring workers' fetches) with a redirect to a presigned URL of the store instead of passing the bytes through the web server. Needs a store that browsers and workers can reach.",
    ),
  T2I_JOB_LEASE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(30_000)
    .describe("How long a claimed scoring job stays its worker's without a heartbeat; then another worker resumes it."),
  T2I_JOB_HEARTBEAT_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(5_000)
    .describe("How often a scoring worker extends its lease (keep it well under the lease)."),
  T2I_JOB_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(1_000)
    .describe("How often an idle scoring worker looks for queued jobs."),
  T2I_JOB_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe(
      "Claims of one scoring job that made no progress before the job and its run fail (a claim that committed samples does not count).",
    ),
  T2I_SCORE_CHUNK: z.coerce
    .number()
    .int()
    .min(1)
    .max(4096)
    .default(64)
    .describe("Samples scored and committed per transaction."),
  T2I_DB_BUSY_TIMEOUT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(5_000)
    .describe(
      "How long a database write waits for SQLite's write lock before it counts as busy, outside the web server's request thread (workers, CLI). A busy worker waits and retries; it never stops.",
    ),
  T2I_DB_REQUEST_BUSY_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(100)
    .describe(
      "On the web server's request thread: the longest one write attempt blocks that thread waiting for the lock. Uploads then retry asynchronously up to T2I_DB_REQUEST_WAIT_MS; other writes answer 503 with Retry-After.",
    ),
  T2I_DB_REQUEST_WAIT_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(10_000)
    .describe(
      "How long an upload (run or reference set) keeps retrying its write while another process holds the write lock, without blocking other requests, before it answers 503 with Retry-After.",
    ),
  T2I_SCORING_STALE_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(600_000)
    .describe("A scoring loop that has not reported for this long counts as stopped: /api/v1/health answers 503."),
  T2I_SCORING_STALL_MS: z.coerce
    .number()
    .int()
    .min(1000)
    .default(900_000)
    .describe(
      "Queued scoring work older than this while no job holds a live lease means scoring has stopped (also with external workers only): /api/v1/health answers 503.",
    ),
  T2I_BULK_JOBS_PER_KEY: z.coerce
    .number()
    .int()
    .min(1)
    .default(1)
    .describe(
      "Jobs of the bulk lane (comparisons a reference set queues for every run, rescore --all) one API key may have running at once; the rest wait, so several workers never all work one key's bulk.",
    ),
  T2I_INPROCESS_WORKER: z
    .enum(["0", "1", "true", "false"])
    .default("1")
    .describe(
      "Whether the web server also works the scoring queue (in a worker thread at lower CPU priority); with 0, only `npm run worker` processes score.",
    ),
  T2I_CLEANUP_INTERVAL_MS: z.coerce
    .number()
    .int()
    .min(0)
    .default(600_000)
    .describe("How often the server removes crash leftovers from the data folder (also at start; 0: only at start)."),
  // Generation tasks for GPU workers (lib/generation/, docs/reference/worker-protocol.md).
  T2I_GEN_LEASE_MS: z.coerce
    .number()
    .int()
    .min(100)
    .default(120_000)
    .describe(
      "How long a GPU worker owns a claimed generation task without a heartbeat; then the task goes back to the queue.",
    ),
  T2I_GEN_MAX_ATTEMPTS: z.coerce
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe("Claims of one generation task before the task and its run fail with the worker's error."),
  T2I_GEN_CLAIM_POLL_MS: z.coerce
    .number()
    .int()
    .min(10)
    .default(250)
    .describe("How often a long-polling claim looks for a task."),
  T2I_GEN_SAMPLES_PER_TASK: z.coerce
    .number()
    .int()
    .min(1)
    .max(64)
    .default(8)
    .describe("Samples per generation task when the request does not say."),
  T2I_GEN_MAX_SAMPLES: z.coerce
    .number()
    .int()
    .min(1)
    .default(100_000)
    .describe("Samples one generation request may ask for, all its runs together."),
  // Serving.
  PORT: z.coerce
    .number()
    .int()
    .min(1)
    .max(65535)
    .default(3000)
    .describe("Port `npm start` listens on when `--port` is not given."),
  T2I_RATE_LIMIT_WRITES_PER_MIN: z.coerce
    .number()
    .int()
    .min(0)
    .default(60)
    .describe("Writes per minute, per API key and per client address; 0 disables."),
  T2I_RATE_LIMIT_READS_PER_MIN: z.coerce
    .number()
    .int()
    .min(0)
    .default(600)
    .describe(
      "Reads per minute, per API key and per client address; views of the ranking pages (`/`, `/variants/{id}`, `/compare`) count too, also when served from the page cache. 0 disables.",
    ),
  T2I_TRUSTED_PROXY_HOPS: z.coerce
    .number()
    .int()
    .min(0)
    .max(10)
    .default(0)
    .describe(
      "Reverse proxies in front of the server whose `X-Forwarded-For` entries are trusted for the client address (0: the connection's own address, so a client rotating the header gains nothing).",
    ),
  T2I_DEFAULT_PROMPT_SET: z
    .string()
    .trim()
    .min(1)
    .optional()
    .describe(
      "The prompt set the leaderboard opens on, by name. Unset: the oldest named prompt set with runs, else the oldest set made from uploads; demo sets only when nothing else has runs.",
    ),
  // Clients and GPU workers.
  T2I_SERVER: z
    .string()
    .url()
    .default("http://localhost:3000")
    .describe(
      "The service the command-line clients talk to (`npm run upload`, `runs`, `reference-sets`) when `--server` is not given.",
    ),
  T2I_API_KEY: z
    .string()
    .optional()
    .describe(
      "API key the command-line clients write with when `--key` is not given; also read by `npm run toy:experiment -- --server`.",
    ),
  T2I_WORKER_TOKEN: z
    .string()
    .min(1)
    .optional()
    .describe(
      "Worker token (`t2iw_…`) of `npm run gpu-worker` and of a remote scoring worker (`npm run worker -- --server URL`) when `--token` is not given; also read by `npm run toy:experiment -- --server`.",
    ),
  T2I_EXECUTION_PROVIDER: z
    .enum(["auto", "cpu", "cuda"])
    .default("auto")
    .describe(
      "Where ONNX runs: the diffusion engine of `npm run gpu-worker -- --engine onnx` and the CLIP evaluator's towers (web server, `npm run worker`). `auto`: CUDA when onnxruntime-node's CUDA binaries load, else the CPU; `cuda`: fail when CUDA cannot be used.",
    ),
  CI: z
    .string()
    .optional()
    .describe(
      "Set (to anything but empty, `0` or `false`) by CI systems: `npm start` then never offers to download the real evaluator.",
    ),
});

export type Config = {
  dataDir: string;
  modelsDir: string;
  cacheDir: string;
  /** An explicit evaluator folder, or "fixture" / "toy" for a bundled one; when unset the installed real model is used. */
  modelDir: string | undefined;
  modelVariant: "fp32" | "fp16" | "quantized";
  /** T2I_FEATURE_EXTRACTORS as given (lib/clip/resolve-model.ts resolves it); undefined: the installed ones. */
  featureExtractors: string | undefined;
  threads: number;
  maxImagePixels: number;
  /** Long side over short side of one image, refused from the header: bounds the resize to N² × this pixels (T2I_MAX_ASPECT_RATIO, default 20). */
  maxAspectRatio: number;
  /** Whole request body of an upload (T2I_MAX_UPLOAD_BYTES, default 2 GiB). */
  maxUploadBytes: number;
  /** One archive part (T2I_MAX_ARCHIVE_BYTES, default: maxUploadBytes). */
  maxArchiveBytes: number;
  /** Images in one upload (T2I_MAX_UPLOAD_FILES, default 20 000). */
  maxUploadFiles: number;
  /** One image file (T2I_MAX_IMAGE_BYTES, default 50 MiB). */
  maxImageBytes: number;
  /** The manifest file (T2I_MAX_MANIFEST_BYTES, default 20 MiB). */
  maxManifestBytes: number;
  /** Total bytes extracted from one archive (T2I_MAX_UNCOMPRESSED_BYTES, default 4 GiB). */
  maxUncompressedBytes: number;
  /** Uncompressed:compressed ratio above which an archive (entry) counts as a bomb (T2I_MAX_COMPRESSION_RATIO, default 20): it bounds what one upload may write to staging to 20× its size. */
  maxCompressionRatio: number;
  hfEndpoint: string;
  hfToken: string | undefined;
  /** SQLite database file (T2I_DB_PATH, default `<dataDir>/t2i.sqlite`). */
  dbPath: string;
  /** PostgreSQL connection URL (T2I_DATABASE_URL); when set, the store is PostgreSQL instead of the SQLite file. */
  databaseUrl: string | undefined;
  /** Which database the schema and the store are built for: "postgres" when T2I_DATABASE_URL is set. */
  databaseDialect: "sqlite" | "postgres";
  /** The S3-compatible object store for images and thumbnails (T2I_STORAGE_URL and T2I_S3_*); undefined: the local data folder. */
  storage: StorageConfig | undefined;
  /** How long a claimed scoring job stays owned without a heartbeat (T2I_JOB_LEASE_MS, default 30 s). */
  jobLeaseMs: number;
  /** How often a worker extends its lease while scoring (T2I_JOB_HEARTBEAT_MS, default 5 s; keep well under the lease). */
  jobHeartbeatMs: number;
  /** How often an idle worker looks for queued jobs (T2I_JOB_POLL_MS, default 1 s). */
  jobPollMs: number;
  /** Claims of one job before it and its run are failed (T2I_JOB_MAX_ATTEMPTS, default 3). */
  jobMaxAttempts: number;
  /** Samples scored and committed per transaction (T2I_SCORE_CHUNK, default 64). */
  scoreChunkSize: number;
  /** SQLite busy timeout off the request thread (T2I_DB_BUSY_TIMEOUT_MS, default 5 s). */
  dbBusyTimeoutMs: number;
  /** SQLite busy timeout on the web server's request thread (T2I_DB_REQUEST_BUSY_MS, default 100 ms). */
  dbRequestBusyMs: number;
  /** How long an upload retries a busy write before 503 (T2I_DB_REQUEST_WAIT_MS, default 10 s). */
  dbRequestWaitMs: number;
  /** A scoring loop silent for longer counts as stopped (T2I_SCORING_STALE_MS, default 10 min). */
  scoringStaleMs: number;
  /** Queued work older than this with no live lease counts as stalled (T2I_SCORING_STALL_MS, default 15 min). */
  scoringStallMs: number;
  /** Bulk-lane jobs one key may have running at once (T2I_BULK_JOBS_PER_KEY, default 1). */
  bulkJobsPerKey: number;
  /** How long a GPU worker owns a claimed generation task without a heartbeat (T2I_GEN_LEASE_MS, default 2 min). */
  genLeaseMs: number;
  /** Claims of one generation task before it and its run fail (T2I_GEN_MAX_ATTEMPTS, default 3). */
  genMaxAttempts: number;
  /** How often a long-polling claim looks for a task (T2I_GEN_CLAIM_POLL_MS, default 250 ms). */
  genClaimPollMs: number;
  /** Samples per task when a generation request does not say (T2I_GEN_SAMPLES_PER_TASK, default 8). */
  genSamplesPerTask: number;
  /** Samples one generation request may ask for, all runs together (T2I_GEN_MAX_SAMPLES, default 100 000). */
  genMaxSamples: number;
  /** Per API key and per address; 0 disables. */
  rateLimitWritesPerMinute: number;
  rateLimitReadsPerMinute: number;
  /** Reverse proxies in front of the server whose X-Forwarded-For entries are trusted (T2I_TRUSTED_PROXY_HOPS, default 0: none). */
  trustedProxyHops: number;
  /** Above these, POST /api/v1/metrics answers 413 and points to /api/v1/runs. */
  metricsMaxImages: number;
  metricsMaxBytes: number;
  /** Pixels of all images of one /api/v1/metrics request together, from their headers (T2I_METRICS_MAX_PIXELS, default 50 M). */
  metricsMaxPixels: number;
  /** Client side (npm run upload): the service to talk to and the key to write with. */
  serverUrl: string;
  apiKey: string | undefined;
  /** Worker token for npm run gpu-worker and npm run worker -- --server when --token is not given (T2I_WORKER_TOKEN). */
  workerToken: string | undefined;
  /** onnxruntime execution provider for the onnx engine and the CLIP towers (T2I_EXECUTION_PROVIDER: auto | cpu | cuda, default auto). */
  executionProvider: "auto" | "cpu" | "cuda";
  port: number;
  /** Running under CI: never prompt. */
  ci: boolean;
  /** Whether the web server also works the scoring queue. */
  inProcessWorker: boolean;
  /** The prompt set the leaderboard opens on, by name (T2I_DEFAULT_PROMPT_SET; default: lib/leaderboard/default-prompt-set.ts). */
  defaultPromptSet: string | undefined;
  /** How often the server removes crash leftovers in the data folder (T2I_CLEANUP_INTERVAL_MS, default 10 min; 0: only at start). */
  cleanupIntervalMs: number;
};

export type StorageConfig = {
  bucket: string;
  /** Key prefix without slashes at either end; "" for the bucket's root. */
  prefix: string;
  endpoint: string | undefined;
  region: string;
  accessKeyId: string | undefined;
  secretAccessKey: string | undefined;
  forcePathStyle: boolean;
  /** Image reads answer 302 to a presigned URL (T2I_STORAGE_REDIRECT). */
  redirect: boolean;
};

const flag = (v: string | undefined) => v === "1" || v === "true";

let cached: Config | undefined;

export function config(): Config {
  if (cached) return cached;
  const parsed = envSchema.safeParse(process.env);
  if (!parsed.success) {
    const lines = parsed.error.issues.map((i) => `  ${i.path.join(".")}: ${i.message}`);
    throw new Error(`Invalid environment configuration:\n${lines.join("\n")}`);
  }
  const env = parsed.data;
  const dataDir = path.resolve(env.T2I_DATA_DIR);
  cached = {
    dataDir,
    modelsDir: path.resolve(/*turbopackIgnore: true*/ env.T2I_MODELS_DIR ?? path.join(dataDir, "models")),
    cacheDir: path.resolve(
      /*turbopackIgnore: true*/ env.T2I_CACHE_DIR ?? path.join(os.homedir(), ".cache", "t2i-eval"),
    ),
    // "fixture" and "toy" name the bundled models (lib/clip/resolve-model.ts) instead of a folder.
    modelDir: env.T2I_MODEL_DIR
      ? ["fixture", "toy"].includes(env.T2I_MODEL_DIR)
        ? env.T2I_MODEL_DIR
        : path.resolve(env.T2I_MODEL_DIR)
      : undefined,
    modelVariant: env.T2I_MODEL_VARIANT,
    featureExtractors: env.T2I_FEATURE_EXTRACTORS,
    threads: env.T2I_THREADS ?? Math.max(1, os.availableParallelism()),
    maxImagePixels: env.T2I_MAX_IMAGE_PIXELS,
    maxAspectRatio: env.T2I_MAX_ASPECT_RATIO,
    maxUploadBytes: env.T2I_MAX_UPLOAD_BYTES,
    maxArchiveBytes: env.T2I_MAX_ARCHIVE_BYTES ?? env.T2I_MAX_UPLOAD_BYTES,
    maxUploadFiles: env.T2I_MAX_UPLOAD_FILES,
    maxImageBytes: env.T2I_MAX_IMAGE_BYTES,
    maxManifestBytes: env.T2I_MAX_MANIFEST_BYTES,
    maxUncompressedBytes: env.T2I_MAX_UNCOMPRESSED_BYTES,
    maxCompressionRatio: env.T2I_MAX_COMPRESSION_RATIO,
    hfEndpoint: env.HF_ENDPOINT.replace(/\/+$/, ""),
    hfToken: env.HF_TOKEN,
    dbPath: path.resolve(/*turbopackIgnore: true*/ env.T2I_DB_PATH ?? path.join(dataDir, "t2i.sqlite")),
    storage: env.T2I_STORAGE_URL
      ? {
          bucket: env.T2I_STORAGE_URL.slice("s3://".length).split("/")[0]!,
          prefix: env.T2I_STORAGE_URL.slice("s3://".length).split("/").slice(1).filter(Boolean).join("/"),
          endpoint: env.T2I_S3_ENDPOINT?.replace(/\/+$/, ""),
          region: env.T2I_S3_REGION,
          accessKeyId: env.T2I_S3_ACCESS_KEY_ID,
          secretAccessKey: env.T2I_S3_SECRET_ACCESS_KEY,
          forcePathStyle:
            env.T2I_S3_FORCE_PATH_STYLE === undefined
              ? env.T2I_S3_ENDPOINT !== undefined
              : flag(env.T2I_S3_FORCE_PATH_STYLE),
          redirect: flag(env.T2I_STORAGE_REDIRECT),
        }
      : undefined,
    databaseUrl: env.T2I_DATABASE_URL,
    databaseDialect: env.T2I_DATABASE_URL ? "postgres" : "sqlite",
    jobLeaseMs: env.T2I_JOB_LEASE_MS,
    jobHeartbeatMs: env.T2I_JOB_HEARTBEAT_MS,
    jobPollMs: env.T2I_JOB_POLL_MS,
    jobMaxAttempts: env.T2I_JOB_MAX_ATTEMPTS,
    scoreChunkSize: env.T2I_SCORE_CHUNK,
    dbBusyTimeoutMs: env.T2I_DB_BUSY_TIMEOUT_MS,
    dbRequestBusyMs: env.T2I_DB_REQUEST_BUSY_MS,
    dbRequestWaitMs: env.T2I_DB_REQUEST_WAIT_MS,
    scoringStaleMs: env.T2I_SCORING_STALE_MS,
    scoringStallMs: env.T2I_SCORING_STALL_MS,
    bulkJobsPerKey: env.T2I_BULK_JOBS_PER_KEY,
    genLeaseMs: env.T2I_GEN_LEASE_MS,
    genMaxAttempts: env.T2I_GEN_MAX_ATTEMPTS,
    genClaimPollMs: env.T2I_GEN_CLAIM_POLL_MS,
    genSamplesPerTask: env.T2I_GEN_SAMPLES_PER_TASK,
    genMaxSamples: env.T2I_GEN_MAX_SAMPLES,
    rateLimitWritesPerMinute: env.T2I_RATE_LIMIT_WRITES_PER_MIN,
    rateLimitReadsPerMinute: env.T2I_RATE_LIMIT_READS_PER_MIN,
    trustedProxyHops: env.T2I_TRUSTED_PROXY_HOPS,
    metricsMaxImages: env.T2I_METRICS_MAX_IMAGES,
    metricsMaxBytes: env.T2I_METRICS_MAX_BYTES,
    metricsMaxPixels: env.T2I_METRICS_MAX_PIXELS,
    serverUrl: env.T2I_SERVER.replace(/\/+$/, ""),
    apiKey: env.T2I_API_KEY,
    workerToken: env.T2I_WORKER_TOKEN,
    executionProvider: env.T2I_EXECUTION_PROVIDER,
    port: env.PORT,
    ci: env.CI !== undefined && env.CI !== "" && env.CI !== "false" && env.CI !== "0",
    inProcessWorker: env.T2I_INPROCESS_WORKER === "1" || env.T2I_INPROCESS_WORKER === "true",
    defaultPromptSet: env.T2I_DEFAULT_PROMPT_SET,
    cleanupIntervalMs: env.T2I_CLEANUP_INTERVAL_MS,
  };
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfigForTests(): void {
  cached = undefined;
}

// The one place that reads process.env. Everything else imports `config()`.
import os from "node:os";
import path from "node:path";
import { z } from "zod";

const envSchema = z.object({
  T2I_DATA_DIR: z.string().min(1).default("data"),
  T2I_MODELS_DIR: z.string().min(1).optional(),
  T2I_CACHE_DIR: z.string().min(1).optional(),
  T2I_MODEL_DIR: z.string().min(1).optional(),
  T2I_MODEL_VARIANT: z.enum(["fp32", "fp16", "quantized"]).default("fp32"),
  T2I_THREADS: z.coerce.number().int().min(1).max(256).optional(),
  T2I_MAX_IMAGE_PIXELS: z.coerce.number().int().min(1).default(40_000_000),
  T2I_MAX_ASPECT_RATIO: z.coerce.number().min(1).default(20),
  // Upload ingestion limits (lib/uploads), enforced while streaming.
  T2I_MAX_UPLOAD_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(2 * 1024 ** 3),
  T2I_MAX_ARCHIVE_BYTES: z.coerce.number().int().min(1).optional(),
  T2I_MAX_UPLOAD_FILES: z.coerce.number().int().min(1).default(20_000),
  T2I_MAX_IMAGE_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(50 * 1024 ** 2),
  T2I_MAX_MANIFEST_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(20 * 1024 ** 2),
  T2I_MAX_UNCOMPRESSED_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(4 * 1024 ** 3),
  // Images are compressed already: a real archive of them expands about 1:1, rarely past 3:1.
  T2I_MAX_COMPRESSION_RATIO: z.coerce.number().min(1).default(20),
  HF_ENDPOINT: z.string().url().default("https://huggingface.co"),
  HF_TOKEN: z.string().optional(),
  // Database and scoring jobs (db/, lib/jobs/).
  T2I_DB_PATH: z.string().min(1).optional(),
  T2I_DATABASE_URL: z
    .string()
    .regex(/^postgres(ql)?:\/\/\S+$/, "must be a postgres:// URL")
    .optional()
    .describe(
      "postgres://user:password@host:port/database: keep the service's state in PostgreSQL 15+ instead of the SQLite file (docs/guides/deploy.md). Unset: SQLite at T2I_DB_PATH.",
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
  T2I_JOB_LEASE_MS: z.coerce.number().int().min(100).default(30_000),
  T2I_JOB_HEARTBEAT_MS: z.coerce.number().int().min(10).default(5_000),
  T2I_JOB_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  T2I_JOB_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  T2I_SCORE_CHUNK: z.coerce.number().int().min(1).max(4096).default(64),
  // Generation tasks for GPU workers (lib/generation/, docs/reference/worker-protocol.md).
  T2I_GEN_LEASE_MS: z.coerce.number().int().min(100).default(120_000),
  T2I_GEN_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(3),
  T2I_GEN_CLAIM_POLL_MS: z.coerce.number().int().min(10).default(250),
  T2I_GEN_SAMPLES_PER_TASK: z.coerce.number().int().min(1).max(64).default(8),
  T2I_GEN_MAX_SAMPLES: z.coerce.number().int().min(1).default(100_000),
  T2I_RATE_LIMIT_WRITES_PER_MIN: z.coerce.number().int().min(0).default(60),
  T2I_RATE_LIMIT_READS_PER_MIN: z.coerce.number().int().min(0).default(600),
  T2I_TRUSTED_PROXY_HOPS: z.coerce.number().int().min(0).max(10).default(0),
  T2I_METRICS_MAX_IMAGES: z.coerce.number().int().min(1).default(64),
  T2I_METRICS_MAX_BYTES: z.coerce
    .number()
    .int()
    .min(1)
    .default(32 * 1024 * 1024),
  T2I_METRICS_MAX_PIXELS: z.coerce.number().int().min(1).default(50_000_000),
  T2I_SERVER: z.string().url().default("http://localhost:3000"),
  T2I_API_KEY: z.string().optional(),
  // Worker side (npm run gpu-worker, npm run worker -- --server): its token, and where ONNX runs.
  T2I_WORKER_TOKEN: z.string().min(1).optional(),
  T2I_EXECUTION_PROVIDER: z
    .enum(["auto", "cpu", "cuda"])
    .default("auto")
    .describe(
      "Where ONNX runs: the diffusion engine of npm run gpu-worker and the CLIP evaluator's towers (web server, npm run worker). auto: CUDA when onnxruntime-node's CUDA binaries load, else the CPU; cuda: fail when CUDA cannot be used.",
    ),
  PORT: z.coerce.number().int().min(1).max(65535).default(3000),
  CI: z.string().optional(),
  T2I_INPROCESS_WORKER: z.enum(["0", "1", "true", "false"]).default("1"),
  T2I_DEFAULT_PROMPT_SET: z.string().trim().min(1).optional(),
  T2I_CLEANUP_INTERVAL_MS: z.coerce.number().int().min(0).default(600_000),
});

export type Config = {
  dataDir: string;
  modelsDir: string;
  cacheDir: string;
  /** An explicit evaluator folder, or "fixture" / "toy" for a bundled one; when unset the installed real model is used. */
  modelDir: string | undefined;
  modelVariant: "fp32" | "fp16" | "quantized";
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
  /** Worker token for npm run gpu-worker when --token is not given (T2I_WORKER_TOKEN). */
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
    modelsDir: path.resolve(env.T2I_MODELS_DIR ?? path.join(dataDir, "models")),
    cacheDir: path.resolve(env.T2I_CACHE_DIR ?? path.join(os.homedir(), ".cache", "t2i-eval")),
    // "fixture" and "toy" name the bundled models (lib/clip/resolve-model.ts) instead of a folder.
    modelDir: env.T2I_MODEL_DIR
      ? ["fixture", "toy"].includes(env.T2I_MODEL_DIR)
        ? env.T2I_MODEL_DIR
        : path.resolve(env.T2I_MODEL_DIR)
      : undefined,
    modelVariant: env.T2I_MODEL_VARIANT,
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
    dbPath: path.resolve(env.T2I_DB_PATH ?? path.join(dataDir, "t2i.sqlite")),
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

// The object store in an S3-compatible service (T2I_STORAGE_URL=s3://bucket/prefix; AWS S3, MinIO,
// Ceph, R2, s3rver in the tests), with @aws-sdk/client-s3. Keys are the local folder's paths under
// the prefix. Write-once by content: a put first asks whether the key exists and stores nothing
// when it does; an S3 PUT is atomic, so an object is whole or absent, and since the key is the
// SHA-256 of the bytes (checked before the put), two racing writers write the same bytes.
// Failures to reach the store become ObjectStoreUnavailableError (503 with Retry-After at the API).
import fs from "node:fs";
import type { Readable } from "node:stream";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { getSignedUrl } from "@aws-sdk/s3-request-presigner";
import type { StorageConfig } from "../core/config";
import { ObjectMissingError, type ObjectKey, type ObjectStore } from "./object-store";

/** The store did not answer, or answered with a server error: nothing was written. */
export class ObjectStoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ObjectStoreUnavailableError";
  }
}

const missing = (e: unknown) =>
  e instanceof S3ServiceException &&
  (e.name === "NoSuchKey" || e.name === "NotFound" || e.$metadata?.httpStatusCode === 404);

export class S3ObjectStore implements ObjectStore {
  readonly kind = "s3" as const;
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;

  constructor(cfg: StorageConfig) {
    this.bucket = cfg.bucket;
    this.prefix = cfg.prefix ? `${cfg.prefix}/` : "";
    this.client = new S3Client({
      region: cfg.region,
      endpoint: cfg.endpoint,
      forcePathStyle: cfg.forcePathStyle,
      ...(cfg.accessKeyId && cfg.secretAccessKey
        ? { credentials: { accessKeyId: cfg.accessKeyId, secretAccessKey: cfg.secretAccessKey } }
        : {}),
      // The SDK retries throttling and 5xx itself; a store that stays away fails the request.
      maxAttempts: 3,
      // Checksums only where S3 requires them: many S3-compatible stores reject the SDK's default
      // trailing-checksum (aws-chunked) uploads.
      requestChecksumCalculation: "WHEN_REQUIRED",
      responseChecksumValidation: "WHEN_REQUIRED",
      requestHandler: { connectionTimeout: 5_000, requestTimeout: 60_000 },
    });
  }

  private k(key: ObjectKey): string {
    return this.prefix + key;
  }

  /** Runs one call; a store that cannot be reached (or fails) becomes ObjectStoreUnavailableError. */
  private async call<T>(what: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (e) {
      if (missing(e)) throw e;
      if (e instanceof S3ServiceException && (e.$metadata?.httpStatusCode ?? 500) < 500 && e.$fault === "client")
        throw new Error(`object store: ${what}: ${e.name}: ${e.message}`);
      throw new ObjectStoreUnavailableError(`object store: ${what}: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  async has(key: ObjectKey): Promise<boolean> {
    try {
      await this.call(`HEAD ${key}`, () =>
        this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.k(key) })),
      );
      return true;
    } catch (e) {
      if (missing(e)) return false;
      throw e;
    }
  }

  async putFile(key: ObjectKey, source: string, contentType: string): Promise<boolean> {
    if (await this.has(key)) return false;
    const { size } = await fs.promises.stat(source);
    await this.call(`PUT ${key}`, () =>
      this.client.send(
        new PutObjectCommand({
          Bucket: this.bucket,
          Key: this.k(key),
          Body: fs.createReadStream(source),
          ContentLength: size,
          ContentType: contentType,
        }),
      ),
    );
    return true;
  }

  async putBytes(key: ObjectKey, data: Buffer, contentType: string): Promise<void> {
    await this.call(`PUT ${key}`, () =>
      this.client.send(
        new PutObjectCommand({ Bucket: this.bucket, Key: this.k(key), Body: data, ContentType: contentType }),
      ),
    );
  }

  async stream(key: ObjectKey): Promise<{ body: Readable; bytes: number }> {
    try {
      const r = await this.call(`GET ${key}`, () =>
        this.client.send(new GetObjectCommand({ Bucket: this.bucket, Key: this.k(key) })),
      );
      return { body: r.Body as Readable, bytes: r.ContentLength ?? 0 };
    } catch (e) {
      if (missing(e)) throw new ObjectMissingError(key);
      throw e;
    }
  }

  async read(key: ObjectKey): Promise<Buffer> {
    const { body } = await this.stream(key);
    const parts: Buffer[] = [];
    try {
      for await (const c of body) parts.push(c as Buffer);
    } catch (e) {
      throw new ObjectStoreUnavailableError(`object store: GET ${key}: ${(e as Error).message}`);
    }
    return Buffer.concat(parts);
  }

  presignedUrl(key: ObjectKey, seconds: number): Promise<string> {
    return getSignedUrl(this.client, new GetObjectCommand({ Bucket: this.bucket, Key: this.k(key) }), {
      expiresIn: seconds,
    });
  }

  async remove(key: ObjectKey): Promise<boolean> {
    const there = await this.has(key);
    if (there)
      await this.call(`DELETE ${key}`, () =>
        this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.k(key) })),
      );
    return there;
  }

  async *list(prefix: string): AsyncIterable<{ key: ObjectKey; modifiedAt: Date }> {
    let token: string | undefined;
    do {
      const page = await this.call(`LIST ${prefix}`, () =>
        this.client.send(
          new ListObjectsV2Command({ Bucket: this.bucket, Prefix: this.k(prefix), ContinuationToken: token }),
        ),
      );
      for (const o of page.Contents ?? [])
        if (o.Key) yield { key: o.Key.slice(this.prefix.length), modifiedAt: o.LastModified ?? new Date(0) };
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
  }
}

// An S3-compatible object store for the tests: s3rver (npm), in this process, on a free loopback
// port, keeping its objects in a temporary folder. Each test file starts its own.
import fs from "node:fs";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import S3rver from "s3rver";

export type S3Server = {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  bucket: string;
  accessKeyId: string;
  secretAccessKey: string;
  stop: () => Promise<void>;
};

/** Starts s3rver with one empty bucket. s3rver accepts the fixed credentials S3RVER / S3RVER. */
export async function startS3(bucket = "t2i-test"): Promise<S3Server> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "t2i-s3-"));
  const server = new S3rver({
    port: 0,
    address: "127.0.0.1",
    directory: dir,
    silent: true,
    configureBuckets: [{ name: bucket, configs: [] }],
  });
  const address = (await server.run()) as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    bucket,
    accessKeyId: "S3RVER",
    secretAccessKey: "S3RVER",
    stop: async () => {
      await server.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native modules stay outside the server bundle and load from node_modules at run time.
  serverExternalPackages: ["onnxruntime-node", "better-sqlite3", "sharp"],
  poweredByHeader: false,
};

export default nextConfig;

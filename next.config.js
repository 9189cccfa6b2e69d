/** @type {import('next').NextConfig} */
const nextConfig = {
  // Native modules stay outside the server bundle and load from node_modules at run time.
  serverExternalPackages: ["onnxruntime-node", "better-sqlite3", "sharp"],
  poweredByHeader: false,
  // `npm start` builds on a user's first start, where the type check (over two minutes on this
  // machine, the longest step) repeats what `npm run typecheck` and `npm run build` already
  // checked for the committed code; scripts/service/serve.ts sets this for that build only.
  typescript: { ignoreBuildErrors: process.env.T2I_FIRST_START_BUILD === "1" },
  // On every response; pages also get a per-response Content-Security-Policy from proxy.ts.
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "Referrer-Policy", value: "strict-origin-when-cross-origin" },
          { key: "X-Frame-Options", value: "DENY" },
        ],
      },
    ];
  },
};

export default nextConfig;

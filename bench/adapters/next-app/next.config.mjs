import { fileURLToPath } from "node:url";

/** @type {import("next").NextConfig} */
const config = {
  // The pnpm workspace root: Turbopack must see the symlinked workspace packages under it.
  turbopack: { root: fileURLToPath(new URL("../../..", import.meta.url)) },
  poweredByHeader: false,
};

export default config;

import { fileURLToPath } from "node:url";

/** @type {import("next").NextConfig} */
const config = {
  // The pnpm workspace root: Turbopack must see the symlinked packages under it.
  turbopack: { root: fileURLToPath(new URL("../..", import.meta.url)) },
  poweredByHeader: false,
  // forbidden() answers 403 with app/forbidden.tsx.
  experimental: { authInterrupts: true },
};

export default config;

import { buildFixture } from "./next-app.ts";

// `next build` once per test run, before any test file starts a server of it (they run in parallel).
export default async function setup(): Promise<void> {
  await buildFixture();
}

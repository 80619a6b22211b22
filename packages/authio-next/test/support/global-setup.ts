import { buildFixture } from "./next-app.ts";

// `next build` of each fixture once per test run (one after the other: the machine has two cores),
// before any test file starts a server of it.
export default async function setup(): Promise<void> {
  await buildFixture("next16");
  await buildFixture("next15");
}

import { availableExamples, build } from "@authio/demo/launch";

// Builds the local server and every example once (turbo: seconds when cached), before any test file.
export default function setup() {
  if (process.env.AUTHIO_E2E_NO_BUILD !== "1") build(availableExamples(), { log: () => {} });
}

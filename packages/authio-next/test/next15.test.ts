import { defineAppSuite } from "./support/app-suite.ts";

// Next 15: the same app with middleware.ts on the Edge runtime (test/fixture-next15).
defineAppSuite("next15");

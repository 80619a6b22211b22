import { defineAppSuite } from "./support/app-suite.ts";

// Next 16: proxy.ts on the Node runtime.
defineAppSuite("next16");

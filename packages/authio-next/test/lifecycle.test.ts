import { defineLifecycleSuite } from "./support/lifecycle-suite.ts";

defineLifecycleSuite("next16");

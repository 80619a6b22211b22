import { defineLifecycleSuite } from "./support/lifecycle-suite.ts";

// Next 15: refresh and the CSRF check in middleware.ts on the Edge runtime.
defineLifecycleSuite("next15");

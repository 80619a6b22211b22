#!/usr/bin/env node
// A committed entry point, so that installing the workspace links the command before dist/ is built.
import "../dist/cli.mjs";

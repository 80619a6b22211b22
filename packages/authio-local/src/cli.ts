#!/usr/bin/env node
console.log("authio-local: not yet");

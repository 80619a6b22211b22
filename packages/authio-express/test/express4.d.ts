// Express 4 is installed under the alias `express4`; it shares Express 5's public API for what the
// tests use, so it borrows `@types/express` (the adapter's peer range covers both majors).
declare module "express4" {
  export { default } from "express";
}

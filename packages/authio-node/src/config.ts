import { AuthioError } from "./errors.js";
import {
  resolveTransportOptions,
  type TransportConfig,
  type TransportOptions,
} from "./management/transport-options.js";
import {
  resolveVerificationOptions,
  type VerificationConfig,
  type VerificationOptions,
} from "./verify/options.js";

/**
 * Options of `new Authio(options)`. Every knob has a safe default; invalid values throw an
 * `AuthioError` with code `invalid_config` at construction, naming the option (never its value when
 * it is a secret).
 */
export interface AuthioOptions extends TransportOptions, VerificationOptions {
  /** The environment's secret key, `sk_test_…` or `sk_live_…`. Default: `AUTHIO_SECRET_KEY`. */
  apiKey?: string | undefined;
  /** Default: `AUTHIO_API_URL`, else `https://api.authio.com`. */
  apiUrl?: string | undefined;
  // Verification options (issue #3) and transport options (issue #4) are added here.
}

/** The validated, normalised configuration every part of the client reads. */
export interface ResolvedConfig {
  readonly apiKey: string | null;
  /** Base URL without trailing slash. */
  readonly apiUrl: string;
  /** Timeouts, retries, `fetch` and User-Agent of Management API calls. */
  readonly transport: TransportConfig;
  /** Issuer, algorithms, clock tolerance, keys and caches of `sessions.verify`. */
  readonly verification: VerificationConfig;
}

/** Reads an environment variable where there is a `process` (Node, Bun; Deno's npm compat); never throws. */
export function readEnv(name: string): string | undefined {
  try {
    const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process?.env;
    const value = env?.[name];
    return typeof value === "string" && value !== "" ? value : undefined;
  } catch {
    // Deno without --allow-env throws on access: behave as if unset.
    return undefined;
  }
}

export function invalidConfig(option: string, message: string): AuthioError {
  return new AuthioError({
    code: "invalid_config",
    message: `Invalid option \`${option}\`: ${message}`,
    retryable: false,
  });
}

export function resolveConfig(options: AuthioOptions = {}): ResolvedConfig {
  if (options === null || typeof options !== "object") throw invalidConfig("options", "expected an object.");
  const apiKey = options.apiKey ?? readEnv("AUTHIO_SECRET_KEY") ?? null;
  if (apiKey !== null && (typeof apiKey !== "string" || apiKey.trim() === "")) {
    throw invalidConfig("apiKey", "expected a non-empty secret key string.");
  }
  const rawUrl = options.apiUrl ?? readEnv("AUTHIO_API_URL") ?? "https://api.authio.com";
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw invalidConfig("apiUrl", "expected an absolute http(s) URL.");
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw invalidConfig("apiUrl", "expected an absolute http(s) URL.");
  }
  const apiUrl = url.href.replace(/\/+$/, "");
  return {
    apiKey,
    apiUrl,
    transport: resolveTransportOptions(options),
    verification: resolveVerificationOptions(options, apiUrl),
  };
}

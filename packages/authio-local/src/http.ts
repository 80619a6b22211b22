import type { IncomingMessage, ServerResponse } from "node:http";
import { ApiError } from "./errors.js";

/** API.md §7: a body of exactly 1,048,576 bytes is accepted; one byte more is 413. */
export const MAX_BODY_BYTES = 1_048_576;

export interface HandlerResult {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

const tooLarge = () => new ApiError(413, "payload_too_large", "The request body is larger than 1 MiB.");

/** Reads the raw body, refusing early (by Content-Length) or as soon as the stream passes the cap. */
export function readBody(req: IncomingMessage): Promise<Buffer> {
  const declared = req.headers["content-length"];
  if (declared !== undefined && Number(declared) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on("data", (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on("end", () => {
      if (!failed) resolve(Buffer.concat(chunks));
    });
    req.on("error", (e) => {
      if (!failed) {
        failed = true;
        reject(e);
      }
    });
  });
}

export function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) return undefined;
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw new ApiError(400, "invalid_request", "The request body is not valid JSON.");
  }
}

export function errorBody(error: ApiError, requestId: string): unknown {
  return {
    error: {
      code: error.code,
      message: error.message,
      requestId,
      ...(error.details ? { details: error.details } : {}),
    },
  };
}

export function send(res: ServerResponse, result: HandlerResult): void {
  if (res.headersSent || res.destroyed) return;
  for (const [k, v] of Object.entries(result.headers ?? {})) res.setHeader(k, v);
  if (result.body === undefined || result.status === 204) {
    res.writeHead(result.status);
    res.end();
    return;
  }
  if (typeof result.body === "string" && !res.hasHeader("content-type")) {
    res.setHeader("content-type", "text/plain; charset=utf-8");
  }
  const payload = typeof result.body === "string" ? result.body : JSON.stringify(result.body);
  if (!res.hasHeader("content-type")) res.setHeader("content-type", "application/json");
  res.setHeader("content-length", Buffer.byteLength(payload));
  res.writeHead(result.status);
  res.end(payload);
}

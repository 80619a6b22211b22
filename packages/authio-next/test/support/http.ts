import { request as httpRequest } from "node:http";

export interface RawResponse {
  readonly status: number;
  readonly headers: Record<string, string | string[] | undefined>;
  readonly text: string;
  json(): unknown;
}

/**
 * One HTTP request with the path sent exactly as written (no URL normalisation, unlike `fetch`), and
 * headers as a flat list so that a name may repeat (several `Authorization` headers).
 */
export function send(
  base: string,
  path: string,
  options: { method?: string; headers?: Record<string, string> | [string, string][]; body?: string } = {},
): Promise<RawResponse> {
  const url = new URL(base);
  const headers = Array.isArray(options.headers)
    ? options.headers.flat()
    : Object.entries(options.headers ?? {}).flat();
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: url.hostname,
        port: url.port,
        method: options.method ?? "GET",
        path,
        // With a header list, Node adds no Host header of its own.
        headers: ["host", url.host, ...headers, "connection", "close"],
      },
      (res) => {
        let text = "";
        res.setEncoding("utf8");
        res.on("data", (chunk) => {
          text += chunk;
        });
        res.on("end", () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) }),
        );
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(options.body);
  });
}

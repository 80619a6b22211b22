// The load generator, in its own process: `node load.mjs <config.json>`; prints autocannon's result
// as one JSON line. Config: { url, seconds, connections, tokens: string[] } — one token repeated, or
// many cycled through (each request takes the next one).
import { readFileSync } from "node:fs";
import autocannon from "autocannon";

const { url, seconds, connections, tokens } = JSON.parse(readFileSync(process.argv[2], "utf8"));
let next = 0;
const result = await autocannon({
  url,
  connections,
  duration: seconds,
  pipelining: 1,
  requests: [
    {
      method: "GET",
      setupRequest: (req) => ({
        ...req,
        headers: { ...req.headers, authorization: `Bearer ${tokens[next++ % tokens.length]}` },
      }),
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({
    rps: result.requests.average,
    total: result.requests.total,
    non2xx: result.non2xx,
    errors: result.errors,
    timeouts: result.timeouts,
    p50: result.latency.p50,
    p99: result.latency.p99,
  })}\n`,
);

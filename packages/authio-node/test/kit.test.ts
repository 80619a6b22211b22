import { createTestKey, signToken, startJwksServer } from "@authio/test-kit";
import { expect, test } from "vitest";

test("kit", async () => {
  const key = await createTestKey();
  const server = await startJwksServer([key]);
  try {
    const token = await signToken(key, server.url);
    expect(token.split(".")).toHaveLength(3);
    const res = await fetch(`${server.url}/v1/jwks`, {
      headers: { authorization: `Bearer ${server.secretKey}` },
    });
    expect((await res.json()).keys[0].kid).toBe(key.kid);
  } finally {
    await server.close();
  }
});

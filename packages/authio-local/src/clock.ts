/**
 * The server's notion of "now". A clock offset lets tests see tokens from the future or the past
 * without faking timers: every timestamp the server writes (tokens, resources, codes, key activation,
 * webhook signatures) comes from here.
 */
export class Clock {
  constructor(public offsetMs = 0) {}

  nowMs(): number {
    return Date.now() + this.offsetMs;
  }

  nowSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  iso(ms: number = this.nowMs()): string {
    return new Date(ms).toISOString();
  }
}

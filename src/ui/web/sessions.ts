import { createHash } from 'node:crypto';
import { createToken } from './token.js';

/** How long the login URL `--open` hands the browser stays usable if nobody opens it. */
export const LOGIN_CODE_MS = 5 * 60_000;
/** Sessions kept at most; the oldest goes first (each page load with the token makes one). */
export const MAX_SESSIONS = 1000;

/**
 * The dashboard's sessions: a page opened with the token (or a one-time login code) gets a
 * session secret of its own, which it keeps in the page's storage (scoped to this origin, port
 * included) and sends in a header. Nothing is ever put in a cookie, which a browser would also
 * send to every other port of the host. Secrets are kept as hashes, so a lookup reveals nothing
 * through its timing.
 */
export class Sessions {
  private readonly sessions = new Set<string>();
  private readonly loginCodes = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  /** A new session secret. */
  create(): string {
    const secret = createToken();
    this.sessions.add(digest(secret));
    if (this.sessions.size > MAX_SESSIONS) {
      const oldest = this.sessions.values().next().value;
      if (oldest !== undefined) this.sessions.delete(oldest);
    }
    return secret;
  }

  has(secret: string): boolean {
    return this.sessions.has(digest(secret));
  }

  /** A code that logs one browser in once, for a URL that may be seen in a process list. */
  createLoginCode(): string {
    const code = createToken();
    this.loginCodes.set(digest(code), this.now() + LOGIN_CODE_MS);
    return code;
  }

  /** True the first time a fresh code is presented; the code is spent either way. */
  redeemLoginCode(code: string): boolean {
    const key = digest(code);
    const expires = this.loginCodes.get(key);
    this.loginCodes.delete(key);
    return expires !== undefined && this.now() <= expires;
  }
}

function digest(secret: string): string {
  return createHash('sha256').update(secret).digest('base64');
}

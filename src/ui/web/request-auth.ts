import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http-error.js';
import type { Sessions } from './sessions.js';
import { tokensEqual } from './token.js';

/**
 * How a request proved it may act: the token in a header or (reads only) in the query, or a
 * session secret in a header. Nothing in a cookie counts: browsers send a host's cookies to every
 * port of it, so any other local web server would receive them.
 */
export type TokenSource = 'query' | 'header' | 'session';

export interface Credentials {
  token: string;
  sessions: Sessions;
}

/** The secret from a header: `Authorization: Bearer …` or `X-Dispatch-Token: …`. */
function headerSecret(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const custom = headers['x-dispatch-token'];
  return typeof custom === 'string' ? custom.trim() : undefined;
}

/** Which credential the request carries (a header first), or undefined. */
export function tokenSource(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  credentials: Credentials,
): TokenSource | undefined {
  const header = headerSecret(headers);
  if (header !== undefined) {
    if (tokensEqual(header, credentials.token)) return 'header';
    if (credentials.sessions.has(header)) return 'session';
  }
  const queried = query.get('token');
  if (queried !== null && tokensEqual(queried, credentials.token)) return 'query';
  return undefined;
}

export const TOKEN_HINT =
  'Open the dashboard with the URL `dispatch ui` printed in its terminal (it ends in ?token=…); run `dispatch ui` again if that terminal is gone.';

/** The names the dashboard is reached by on this machine, through any port forwarded to it. */
const LOOPBACK_NAMES = ['127.0.0.1', 'localhost', '[::1]'];

/**
 * The Host header must name this machine's loopback (on any port: `ssh -L 8080:127.0.0.1:PORT`
 * or another forward reaches it under the port the browser used) or a name given with
 * `--host-alias`. A page on another site that rebinds its DNS name to 127.0.0.1 sends its own
 * name, and is refused here. Returns the host, lower case, to compare an Origin with.
 */
export function checkHost(host: string | undefined, aliases: readonly string[] = []): string {
  const lower = (host ?? '').toLowerCase();
  const match = /^(\[[0-9a-f:.]+\]|[a-z0-9.-]+)(?::(\d{1,5}))?$/.exec(lower);
  const name = match?.[1];
  const allowed = [...LOOPBACK_NAMES, ...aliases.map((alias) => alias.toLowerCase())];
  if (!name || !allowed.includes(name))
    throw new HttpError(
      403,
      `unexpected Host header ${JSON.stringify(host ?? '')}`,
      `${TOKEN_HINT} Through a name other than 127.0.0.1 or localhost, start it with --host-alias NAME.`,
    );
  return lower;
}

/**
 * Every API request and event stream needs a credential; a change (POST) needs it in a header,
 * which another site's page cannot set without the browser asking first, and must come from this
 * origin.
 */
export function authorize(
  method: string,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  credentials: Credentials,
  aliases: readonly string[] = [],
): TokenSource {
  const host = checkHost(headers.host, aliases);
  const source = tokenSource(headers, query, credentials);
  if (!source) throw new HttpError(403, 'this dashboard needs its access token', TOKEN_HINT);
  if (method !== 'GET' && method !== 'HEAD') {
    if (source === 'query')
      throw new HttpError(
        403,
        `${method} requests need the token in a header`,
        'Send it as `Authorization: Bearer <token>` (the dashboard page does this itself).',
      );
    const origin = headers.origin;
    if (origin !== undefined && origin !== `http://${host}`)
      throw new HttpError(403, `requests from ${origin} are not accepted`, TOKEN_HINT);
    const site = headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin' && site !== 'none')
      throw new HttpError(403, `cross-site ${method} requests are not accepted`, TOKEN_HINT);
  }
  return source;
}

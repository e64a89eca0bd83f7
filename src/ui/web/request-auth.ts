import type { IncomingHttpHeaders } from 'node:http';
import { HttpError } from './http-error.js';
import { tokensEqual } from './token.js';

/** How a request proved it knows the token. */
export type TokenSource = 'query' | 'cookie' | 'header';

/** The cookie's name carries the port, so two dashboards on one machine keep separate cookies. */
export function cookieName(port: number): string {
  return `dispatch_token_${port}`;
}

export function readCookie(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const index = part.indexOf('=');
    if (index < 0) continue;
    if (part.slice(0, index).trim() === name) return part.slice(index + 1).trim();
  }
  return undefined;
}

/** The token from a header: `Authorization: Bearer …` or `X-Dispatch-Token: …`. */
function headerToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization;
  if (auth && /^Bearer\s+/i.test(auth)) return auth.replace(/^Bearer\s+/i, '').trim();
  const custom = headers['x-dispatch-token'];
  return typeof custom === 'string' ? custom.trim() : undefined;
}

/** Which of the three places holds the right token (header first), or undefined. */
export function tokenSource(
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  token: string,
  port: number,
): TokenSource | undefined {
  const candidates: [TokenSource, string | undefined][] = [
    ['header', headerToken(headers)],
    ['query', query.get('token') ?? undefined],
    ['cookie', readCookie(headers.cookie, cookieName(port))],
  ];
  for (const [source, value] of candidates)
    if (value !== undefined && tokensEqual(value, token)) return source;
  return undefined;
}

const TOKEN_HINT =
  'Open the dashboard with the URL `dispatch ui` printed in its terminal (it ends in ?token=…); run `dispatch ui` again if that terminal is gone.';

/**
 * The Host header must name this server: a page on another site that rebinds its DNS name to
 * 127.0.0.1 sends its own host name, and is refused here.
 */
export function checkHost(host: string | undefined, port: number): string {
  const allowed = [`127.0.0.1:${port}`, `localhost:${port}`];
  if (!host || !allowed.includes(host.toLowerCase()))
    throw new HttpError(403, `unexpected Host header ${JSON.stringify(host ?? '')}`, TOKEN_HINT);
  return host.toLowerCase();
}

/**
 * Every request needs the token; a change (POST) needs it in a header, which another site's page
 * cannot set without the browser asking first, and must come from this origin.
 */
export function authorize(
  method: string,
  headers: IncomingHttpHeaders,
  query: URLSearchParams,
  token: string,
  port: number,
): TokenSource {
  const host = checkHost(headers.host, port);
  const source = tokenSource(headers, query, token, port);
  if (!source) throw new HttpError(403, 'this dashboard needs its access token', TOKEN_HINT);
  if (method !== 'GET' && method !== 'HEAD') {
    if (source !== 'header')
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

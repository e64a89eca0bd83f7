import { describe, expect, it } from 'vitest';
import { HttpError } from '../../../src/ui/web/http-error.js';
import { authorize, checkHost, tokenSource } from '../../../src/ui/web/request-auth.js';
import { LOGIN_CODE_MS, Sessions } from '../../../src/ui/web/sessions.js';
import { createToken, tokensEqual } from '../../../src/ui/web/token.js';

const token = 'T0k3n_-abcdefghijklmnopqrstuvw';
const port = 4321;
const host = `127.0.0.1:${port}`;
const none = new URLSearchParams();
const sessions = new Sessions();
const session = sessions.create();
const credentials = { token, sessions };

function refusal(run: () => unknown): { status: number; message: string; hint?: string } {
  try {
    run();
  } catch (error) {
    if (error instanceof HttpError)
      return { status: error.status, message: error.message, hint: error.hint };
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('the access token', () => {
  it('is random, URL-safe and long', () => {
    const a = createToken();
    expect(a).toMatch(/^[A-Za-z0-9_-]{32}$/);
    expect(createToken()).not.toBe(a);
  });

  it('compares equal only to itself, whatever the lengths', () => {
    expect(tokensEqual(token, token)).toBe(true);
    expect(tokensEqual(token.slice(0, -1), token)).toBe(false);
    expect(tokensEqual('', token)).toBe(false);
    expect(tokensEqual(`${token}x`, token)).toBe(false);
  });

  it('is found in a header or the query; a session only in a header; never in a cookie', () => {
    expect(tokenSource({ authorization: `Bearer ${token}` }, none, credentials)).toBe('header');
    expect(tokenSource({ 'x-dispatch-token': token }, none, credentials)).toBe('header');
    expect(tokenSource({}, new URLSearchParams({ token }), credentials)).toBe('query');
    expect(tokenSource({ authorization: `Bearer ${session}` }, none, credentials)).toBe('session');
    expect(tokenSource({}, new URLSearchParams({ token: session }), credentials)).toBe(undefined);
    expect(tokenSource({ cookie: `dispatch_token_${port}=${token}` }, none, credentials)).toBe(
      undefined,
    );
    expect(tokenSource({ cookie: `s=${session}` }, none, credentials)).toBe(undefined);
    expect(tokenSource({ authorization: 'Bearer wrong' }, none, credentials)).toBe(undefined);
  });
});

describe('sessions and login codes', () => {
  it('makes a distinct secret per session, known only to the sessions that made it', () => {
    const own = new Sessions();
    const a = own.create();
    expect(a).not.toBe(own.create());
    expect(own.has(a)).toBe(true);
    expect(new Sessions().has(a)).toBe(false);
  });

  it('accepts a login code once, and not after it expired', () => {
    let now = 1_000;
    const own = new Sessions(() => now);
    const code = own.createLoginCode();
    expect(own.redeemLoginCode(code)).toBe(true);
    expect(own.redeemLoginCode(code)).toBe(false);
    const late = own.createLoginCode();
    now += LOGIN_CODE_MS + 1;
    expect(own.redeemLoginCode(late)).toBe(false);
    expect(own.redeemLoginCode('made-up')).toBe(false);
    expect(own.has(code)).toBe(false);
  });
});

describe('which requests are let in', () => {
  it('lets a GET in with the token anywhere', () => {
    expect(authorize('GET', { host }, new URLSearchParams({ token }), credentials)).toBe('query');
    expect(
      authorize(
        'GET',
        { host: `localhost:${port}`, authorization: `Bearer ${token}` },
        none,
        credentials,
      ),
    ).toBe('header');
  });

  it('refuses a request without the token, saying where the right URL is', () => {
    const refused = refusal(() => authorize('GET', { host }, none, credentials));
    expect(refused).toEqual({
      status: 403,
      message: 'this dashboard needs its access token',
      hint: expect.stringMatching(/URL `dispatch ui` printed in its terminal/),
    });
  });

  it('refuses another Host (DNS rebinding), even with the token', () => {
    const headers = { host: `attacker.example:${port}`, authorization: `Bearer ${token}` };
    expect(refusal(() => authorize('GET', headers, none, credentials)).status).toBe(403);
    expect(refusal(() => checkHost(undefined)).message).toMatch(/unexpected Host/);
    expect(checkHost(`LOCALHOST:${port}`)).toBe(`localhost:${port}`);
    for (const rebound of ['127.0.0.1.attacker.example:80', 'localhost.evil:9000', 'a b:1'])
      expect(refusal(() => checkHost(rebound)).status, rebound).toBe(403);
  });

  it('accepts the loopback names on any port (a forwarded port), and names given as aliases', () => {
    // ssh -L 8080:127.0.0.1:PORT: the browser sends the port it used.
    expect(checkHost('localhost:8080')).toBe('localhost:8080');
    expect(checkHost('127.0.0.1:9000')).toBe('127.0.0.1:9000');
    expect(checkHost('[::1]:9000')).toBe('[::1]:9000');
    const forwarded = { host: 'localhost:8080', authorization: `Bearer ${token}` };
    expect(
      authorize('POST', { ...forwarded, origin: 'http://localhost:8080' }, none, credentials),
    ).toBe('header');
    // Another local port's page is still another origin.
    expect(
      refusal(() =>
        authorize('POST', { ...forwarded, origin: 'http://localhost:3000' }, none, credentials),
      ).status,
    ).toBe(403);
    expect(refusal(() => checkHost('devbox:8080')).hint).toMatch(/--host-alias NAME/);
    expect(checkHost('DevBox:8080', ['devbox'])).toBe('devbox:8080');
  });

  it('wants the token of a POST in a header, from this origin', () => {
    const query = new URLSearchParams({ token });
    expect(refusal(() => authorize('POST', { host }, query, credentials))).toMatchObject({
      status: 403,
      message: 'POST requests need the token in a header',
    });
    const cookie = `dispatch_token_${port}=${token}`;
    expect(refusal(() => authorize('POST', { host, cookie }, none, credentials)).status).toBe(403);
    expect(authorize('POST', { host, authorization: `Bearer ${session}` }, none, credentials)).toBe(
      'session',
    );
    const header = { host, authorization: `Bearer ${token}` };
    expect(authorize('POST', header, none, credentials)).toBe('header');
    expect(authorize('POST', { ...header, origin: `http://${host}` }, none, credentials)).toBe(
      'header',
    );
    expect(
      refusal(() =>
        authorize('POST', { ...header, origin: 'http://evil.example' }, none, credentials),
      ).message,
    ).toBe('requests from http://evil.example are not accepted');
    expect(
      refusal(() =>
        authorize('POST', { ...header, 'sec-fetch-site': 'cross-site' }, none, credentials),
      ).status,
    ).toBe(403);
  });
});

import { describe, expect, it } from 'vitest';
import { HttpError } from '../../src/ui/web/http-error.js';
import {
  authorize,
  checkHost,
  cookieName,
  readCookie,
  tokenSource,
} from '../../src/ui/web/request-auth.js';
import { createToken, tokensEqual } from '../../src/ui/web/token.js';

const token = 'T0k3n_-abcdefghijklmnopqrstuvw';
const port = 4321;
const host = `127.0.0.1:${port}`;
const none = new URLSearchParams();

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

  it('is found in a header, the query or this port’s cookie', () => {
    expect(tokenSource({ authorization: `Bearer ${token}` }, none, token, port)).toBe('header');
    expect(tokenSource({ 'x-dispatch-token': token }, none, token, port)).toBe('header');
    expect(tokenSource({}, new URLSearchParams({ token }), token, port)).toBe('query');
    const cookie = `other=1; ${cookieName(port)}=${token}`;
    expect(tokenSource({ cookie }, none, token, port)).toBe('cookie');
    expect(tokenSource({ cookie: `${cookieName(9999)}=${token}` }, none, token, port)).toBe(
      undefined,
    );
    expect(tokenSource({ authorization: 'Bearer wrong' }, none, token, port)).toBe(undefined);
    expect(readCookie('a=1; b = 2', 'b')).toBe('2');
  });
});

describe('which requests are let in', () => {
  it('lets a GET in with the token anywhere', () => {
    expect(authorize('GET', { host }, new URLSearchParams({ token }), token, port)).toBe('query');
    expect(
      authorize(
        'GET',
        { host: `localhost:${port}`, authorization: `Bearer ${token}` },
        none,
        token,
        port,
      ),
    ).toBe('header');
  });

  it('refuses a request without the token, saying where the right URL is', () => {
    const refused = refusal(() => authorize('GET', { host }, none, token, port));
    expect(refused).toEqual({
      status: 403,
      message: 'this dashboard needs its access token',
      hint: expect.stringMatching(/URL `dispatch ui` printed in its terminal/),
    });
  });

  it('refuses another Host (DNS rebinding), even with the token', () => {
    const headers = { host: `attacker.example:${port}`, authorization: `Bearer ${token}` };
    expect(refusal(() => authorize('GET', headers, none, token, port)).status).toBe(403);
    expect(refusal(() => checkHost(undefined, port)).message).toMatch(/unexpected Host/);
    expect(checkHost(`LOCALHOST:${port}`, port)).toBe(`localhost:${port}`);
  });

  it('wants the token of a POST in a header, from this origin', () => {
    const query = new URLSearchParams({ token });
    expect(refusal(() => authorize('POST', { host }, query, token, port))).toMatchObject({
      status: 403,
      message: 'POST requests need the token in a header',
    });
    const cookie = `${cookieName(port)}=${token}`;
    expect(refusal(() => authorize('POST', { host, cookie }, none, token, port)).status).toBe(403);
    const header = { host, authorization: `Bearer ${token}` };
    expect(authorize('POST', header, none, token, port)).toBe('header');
    expect(authorize('POST', { ...header, origin: `http://${host}` }, none, token, port)).toBe(
      'header',
    );
    expect(
      refusal(() =>
        authorize('POST', { ...header, origin: 'http://evil.example' }, none, token, port),
      ).message,
    ).toBe('requests from http://evil.example are not accepted');
    expect(
      refusal(() =>
        authorize('POST', { ...header, 'sec-fetch-site': 'cross-site' }, none, token, port),
      ).status,
    ).toBe(403);
  });
});

import { PassThrough } from 'node:stream';
import type { IncomingMessage } from 'node:http';
import type { TaskStatus } from '../../../src/core/status/task-status.js';
import type { OperationContext } from '../../../src/operations/operation-context.js';
import { TaskJson } from '../../../src/ui/web/task-json.js';
import { describe, expect, it } from 'vitest';
import { DispatchError } from '../../../src/core/errors.js';
import { feedEventJson } from '../../../src/ui/web/feed-json.js';
import { errorResponse, HttpError } from '../../../src/ui/web/http-error.js';
import { readJsonBody } from '../../../src/ui/web/read-json-body.js';
import { matchRoute } from '../../../src/ui/web/routes.js';
import { SESSION_PLACEHOLDER, StaticAssets } from '../../../src/ui/web/static-assets.js';
import { taskStatus } from '../../helpers/task-status-fixture.js';

function statusOf(run: () => unknown): number {
  try {
    run();
  } catch (error) {
    const response = errorResponse(error);
    if (response) return response.status;
    throw error;
  }
  throw new Error('expected an error');
}

describe('dashboard routes', () => {
  it('maps paths and methods, validating task ids', () => {
    expect(matchRoute('GET', '/')).toEqual({ kind: 'page', taskId: undefined });
    expect(matchRoute('GET', '/task/review-auth')).toEqual({ kind: 'page', taskId: 'review-auth' });
    expect(matchRoute('GET', '/events')).toEqual({ kind: 'events' });
    expect(matchRoute('GET', '/api/tasks')).toEqual({ kind: 'list' });
    expect(matchRoute('GET', '/api/tasks/a.b_c')).toEqual({ kind: 'task', taskId: 'a.b_c' });
    expect(matchRoute('POST', '/api/tasks/x/answer')).toEqual({
      kind: 'action',
      taskId: 'x',
      action: 'answer',
    });
    expect(matchRoute('GET', '/assets/app.js')).toEqual({ kind: 'asset', name: 'app.js' });
    expect(matchRoute('GET', '/api/tasks/fix.2/compare')).toEqual({
      kind: 'compare',
      taskId: 'fix.2',
    });
    expect(matchRoute('POST', '/api/tasks/fix.2/pick')).toEqual({
      kind: 'action',
      taskId: 'fix.2',
      action: 'pick',
    });
  });

  it('refuses bad ids (400), unknown paths (404) and wrong methods (405)', () => {
    expect(statusOf(() => matchRoute('GET', '/task/..'))).toBe(400);
    expect(statusOf(() => matchRoute('GET', '/api/tasks/a%2Fb'))).toBe(400);
    expect(statusOf(() => matchRoute('GET', '/api/tasks/%E0%A4%A'))).toBe(400);
    expect(statusOf(() => matchRoute('GET', '/etc/passwd'))).toBe(404);
    expect(statusOf(() => matchRoute('GET', '/assets/../x'))).toBe(404);
    expect(statusOf(() => matchRoute('POST', '/'))).toBe(405);
    expect(statusOf(() => matchRoute('GET', '/api/tasks/x/answer'))).toBe(405);
    expect(statusOf(() => matchRoute('DELETE', '/api/tasks/x'))).toBe(405);
    expect(statusOf(() => matchRoute('POST', '/api/tasks/x/compare'))).toBe(405);
  });
});

describe('dashboard errors', () => {
  it('turns a DispatchError code into a status with the error and hint as JSON', () => {
    const cases: [DispatchError, number][] = [
      [new DispatchError('usage', 'bad'), 400],
      [new DispatchError('invalid-id', 'bad id'), 400],
      [new DispatchError('not-found', 'no task', { hint: 'see list' }), 404],
      [new DispatchError('conflict', 'already answered'), 409],
      [new DispatchError('state', 'is done'), 409],
    ];
    for (const [error, status] of cases) expect(errorResponse(error)?.status).toBe(status);
    expect(errorResponse(new DispatchError('not-found', 'no task', { hint: 'see list' }))).toEqual({
      status: 404,
      body: { error: 'no task', hint: 'see list' },
    });
    expect(errorResponse(new HttpError(413, 'too big'))?.body).toEqual({
      error: 'too big',
      hint: null,
    });
    expect(errorResponse(new TypeError('bug'))).toBeUndefined();
  });
});

function body(text: string, headers: Record<string, string> = {}): IncomingMessage {
  const stream = new PassThrough();
  Object.assign(stream, { headers: { 'content-type': 'application/json', ...headers } });
  stream.end(text);
  return stream as unknown as IncomingMessage;
}

describe('JSON request bodies', () => {
  it('reads an object, and an empty body as {}', async () => {
    expect(await readJsonBody(body('{"text":"hi","seq":2}'))).toEqual({ text: 'hi', seq: 2 });
    expect(await readJsonBody(body('', { 'content-type': '' }))).toEqual({});
  });

  it('refuses other types, non-objects, bad JSON and oversized bodies', async () => {
    await expect(
      readJsonBody(body('text=hi', { 'content-type': 'text/plain' })),
    ).rejects.toMatchObject({ status: 415 });
    await expect(readJsonBody(body('[1,2]'))).rejects.toMatchObject({ status: 400 });
    await expect(readJsonBody(body('{oops'))).rejects.toMatchObject({ status: 400 });
    await expect(readJsonBody(body('x'.repeat(2000)), 1024)).rejects.toMatchObject({ status: 413 });
    await expect(
      readJsonBody(body('{}', { 'content-length': '99999' }), 1024),
    ).rejects.toMatchObject({
      status: 413,
    });
  });
});

describe('what the page receives', () => {
  it('sends feed events with each task in the stable JSON shape', () => {
    // A task that has not failed needs nothing from the context (no cause to read).
    const tasks = new TaskJson({} as OperationContext);
    const json = (status: TaskStatus) => tasks.of(status);
    const task = taskStatus({
      state: 'waiting',
      question: { seq: 1, text: 'Which?', live: true },
    });
    const event = feedEventJson({ kind: 'question', task }, json);
    expect(event).toMatchObject({
      kind: 'question',
      task: {
        id: 'review-auth',
        progress: { done: 1, total: 3, current: 'Check session handling' },
        question: { seq: 1, text: 'Which?', live: true },
        // The state in the CLI's words, made on the server (src/ui/shared).
        display: { label: 'waiting 001', cause: null, advice: null },
      },
    });
    expect(feedEventJson({ kind: 'snapshot', tasks: [task] }, json)).toMatchObject({
      kind: 'snapshot',
      tasks: [{ id: 'review-auth' }],
    });
    expect(feedEventJson({ kind: 'removed', id: 'x' }, json)).toEqual({ kind: 'removed', id: 'x' });
  });

  it('serves the page with a session secret, and only plain asset names', () => {
    const assets = new StaticAssets();
    const page = assets.page('abc123').body.toString();
    expect(page).toContain('<meta name="dispatch-session" content="abc123" />');
    expect(page).not.toContain(SESSION_PLACEHOLDER);
    // No inline script: the page's code comes from app.js (Content-Security-Policy).
    expect(page).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(assets.get('app.js')?.type).toBe('text/javascript; charset=utf-8');
    expect(assets.get('style.css')?.type).toBe('text/css; charset=utf-8');
    expect(assets.get('index.html')).toBeUndefined();
    expect(assets.get('../package.json')).toBeUndefined();
  });
});

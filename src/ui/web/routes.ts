import { assertValidTaskId } from '../../core/task/task-id.js';
import { HttpError } from './http-error.js';

/** What a request path asks for, with its task id decoded and validated. */
export type Route =
  | { kind: 'page'; taskId: string | undefined }
  | { kind: 'asset'; name: string }
  | { kind: 'events' }
  | { kind: 'list' }
  | { kind: 'task'; taskId: string }
  | { kind: 'diff'; taskId: string }
  /** The best-of group a run belongs to, side by side. */
  | { kind: 'compare'; taskId: string }
  | { kind: 'models' }
  | { kind: 'action'; taskId: string; action: string };

function taskId(segment: string): string {
  let id: string;
  try {
    id = decodeURIComponent(segment);
  } catch {
    throw new HttpError(400, 'the task id in the path is not valid URL encoding');
  }
  return assertValidTaskId(id);
}

function only(method: string, allowed: 'GET' | 'POST', route: Route): Route {
  if (method === allowed || (allowed === 'GET' && method === 'HEAD')) return route;
  throw new HttpError(405, `${method} is not allowed here`, `Use ${allowed}.`);
}

/** Maps method and path to a route; unknown paths are 404, wrong methods 405. */
export function matchRoute(method: string, pathname: string): Route {
  if (pathname === '/') return only(method, 'GET', { kind: 'page', taskId: undefined });
  if (pathname === '/events') return only(method, 'GET', { kind: 'events' });
  if (pathname === '/api/tasks') return only(method, 'GET', { kind: 'list' });
  if (pathname === '/api/models') return only(method, 'GET', { kind: 'models' });
  let match = /^\/task\/([^/]+)$/.exec(pathname);
  if (match) return only(method, 'GET', { kind: 'page', taskId: taskId(match[1] as string) });
  match = /^\/assets\/([^/]+)$/.exec(pathname);
  if (match) return only(method, 'GET', { kind: 'asset', name: match[1] as string });
  match = /^\/api\/tasks\/([^/]+)$/.exec(pathname);
  if (match) return only(method, 'GET', { kind: 'task', taskId: taskId(match[1] as string) });
  match = /^\/api\/tasks\/([^/]+)\/diff$/.exec(pathname);
  if (match) return only(method, 'GET', { kind: 'diff', taskId: taskId(match[1] as string) });
  match = /^\/api\/tasks\/([^/]+)\/compare$/.exec(pathname);
  if (match) return only(method, 'GET', { kind: 'compare', taskId: taskId(match[1] as string) });
  match = /^\/api\/tasks\/([^/]+)\/([a-z]+)$/.exec(pathname);
  if (match)
    return only(method, 'POST', {
      kind: 'action',
      taskId: taskId(match[1] as string),
      action: match[2] as string,
    });
  throw new HttpError(404, `nothing at ${pathname}`, 'The dashboard is at /.');
}

import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DispatchError } from '../../core/errors.js';
import type { OperationContext } from '../../operations/operation-context.js';
import { openTaskFeed, type TaskFeed } from '../../operations/task-feed.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import {
  getComparison,
  getDiff,
  getTask,
  listModels,
  listTasks,
  postAction,
  type ApiContext,
} from './api-routes.js';
import { ResultsCache } from './results-cache.js';
import { TaskJson } from './task-json.js';
import { EventStreams } from './event-streams.js';
import { feedEventJson } from './feed-json.js';
import { errorResponse, HttpError } from './http-error.js';
import { readJsonBody } from './read-json-body.js';
import { authorize, checkHost, TOKEN_HINT, type Credentials } from './request-auth.js';
import { sendBody, sendJson, setSecurityHeaders } from './responses.js';
import { matchRoute, type Route } from './routes.js';
import { StaticAssets } from './static-assets.js';
import { Sessions } from './sessions.js';
import { createToken, tokensEqual } from './token.js';

/** Loopback only: the dashboard can answer questions and cancel workers. */
export const HOST = '127.0.0.1';

export interface DashboardOptions {
  /** Where the tasks are; the dashboard acts as "dashboard". */
  ctx: OperationContext;
  /** 0 picks a free port. */
  port: number;
  /** Where unexpected errors are reported (the terminal that runs `dispatch ui`). */
  log: (line: string) => void;
  token?: string;
  assets?: StaticAssets;
  /** Host names besides 127.0.0.1 and localhost the browser may use (`--host-alias`). */
  hostAliases?: readonly string[];
}

/**
 * The local web dashboard: pages, a JSON API and server-sent events, all fed by one TaskFeed and
 * acting through the operations the CLI uses. Every request needs the token.
 */
/** How often at most an open task page hears that its worker wrote output. */
const OUTPUT_EVENT_MS = 250;

export class DashboardServer {
  readonly token: string;
  private readonly sessions = new Sessions();
  private readonly server: Server;
  private readonly feed: TaskFeed;
  private readonly streams = new EventStreams();
  private readonly outputTimers = new Map<string, NodeJS.Timeout>();
  private readonly assets: StaticAssets;
  private readonly api: ApiContext;
  private readonly json: TaskJson;
  private port = 0;

  constructor(private readonly options: DashboardOptions) {
    this.token = options.token ?? createToken();
    this.assets = options.assets ?? new StaticAssets();
    this.feed = openTaskFeed(options.ctx);
    const ctx = options.ctx.as('dashboard');
    this.json = new TaskJson(ctx);
    this.api = { ctx, feed: this.feed, json: this.json, results: new ResultsCache() };
    this.server = createServer((req, res) => void this.handle(req, res));
  }

  get url(): string {
    return `http://${HOST}:${this.port}/?token=${this.token}`;
  }

  /**
   * A URL for a browser opener (`--open`): its code logs one browser in once and is worthless
   * after, so it may be seen in the opener's argv, unlike the token.
   */
  loginUrl(): string {
    return `http://${HOST}:${this.port}/?login=${this.sessions.createLoginCode()}`;
  }

  private readonly toJson = (status: TaskStatus) => this.json.of(status);

  private get aliases(): readonly string[] {
    return this.options.hostAliases ?? [];
  }

  private get credentials(): Credentials {
    return { token: this.token, sessions: this.sessions };
  }

  async start(): Promise<{ url: string; port: number }> {
    await new Promise<void>((resolve, reject) => {
      const onError = (error: NodeJS.ErrnoException) => {
        reject(
          error.code === 'EADDRINUSE'
            ? new DispatchError('conflict', `port ${this.options.port} is already in use`, {
                hint: 'Choose another with --port N, or leave --port out for a free one.',
              })
            : error,
        );
      };
      this.server.once('error', onError);
      this.server.listen(this.options.port, HOST, () => {
        this.server.off('error', onError);
        resolve();
      });
    });
    this.port = (this.server.address() as AddressInfo).port;
    this.feed.on('event', (event) => this.streams.send(feedEventJson(event, this.toJson)));
    this.feed.on('output', (id) => this.announceOutput(id));
    this.feed.start();
    return { url: this.url, port: this.port };
  }

  /**
   * Tells the pages that a worker wrote output (an `output` event with its id), so an open task
   * page refreshes its log tail; at most a few times a second per task, however fast it writes.
   */
  private announceOutput(id: string): void {
    if (this.outputTimers.has(id)) return;
    const timer = setTimeout(() => {
      this.outputTimers.delete(id);
      this.streams.sendNamed('output', { id });
    }, OUTPUT_EVENT_MS);
    this.outputTimers.set(id, timer);
  }

  /** Ends the event streams, stops listening, closes idle connections and the feed. */
  async stop(): Promise<void> {
    for (const timer of this.outputTimers.values()) clearTimeout(timer);
    this.outputTimers.clear();
    this.streams.close();
    this.feed.stop();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeIdleConnections();
      // A request still running (a cancel waits up to 3 s for its worker) gets a little time.
      setTimeout(() => this.server.closeAllConnections(), 5000).unref();
    });
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    setSecurityHeaders(res);
    try {
      const method = req.method ?? 'GET';
      const url = new URL(req.url ?? '/', `http://${HOST}`);
      checkHost(req.headers.host, this.aliases);
      const route = this.route(method, url, req);
      // The page shell and its files hold no task data: they load without a credential, so a
      // reload finds the session the page keeps. Everything else needs one.
      if (route.kind !== 'page' && route.kind !== 'asset')
        authorize(method, req.headers, url.searchParams, this.credentials, this.aliases);
      await this.serve(route, url, req, res);
    } catch (error) {
      // A person who opened a page without the token reads text; programs get JSON.
      const path = (req.url ?? '/').split('?')[0] ?? '/';
      this.fail(res, error, path.startsWith('/api/') || path === '/events');
    }
  }

  /** The route; a request for nothing known is told so only once it shows a credential. */
  private route(method: string, url: URL, req: IncomingMessage): Route {
    try {
      return matchRoute(method, url.pathname);
    } catch (error) {
      authorize(method, req.headers, url.searchParams, this.credentials, this.aliases);
      throw error;
    }
  }

  /**
   * A page opened with the token or a login code gets a new session secret in the shell; a plain
   * page load gets the shell alone (the page then uses the session it already keeps).
   */
  private pageSession(query: URLSearchParams): string | undefined {
    const login = query.get('login');
    if (login !== null) {
      if (!this.sessions.redeemLoginCode(login))
        throw new HttpError(403, 'this login link was already used or is not valid', TOKEN_HINT);
      return this.sessions.create();
    }
    const token = query.get('token');
    if (token === null) return undefined;
    if (!tokensEqual(token, this.token))
      throw new HttpError(403, 'this dashboard needs its access token', TOKEN_HINT);
    return this.sessions.create();
  }

  private async serve(
    route: Route,
    url: URL,
    req: IncomingMessage,
    res: ServerResponse,
  ): Promise<void> {
    switch (route.kind) {
      case 'page': {
        const session = this.pageSession(url.searchParams);
        const page = this.assets.page(session ?? '');
        // Only a request with a credential learns whether a task exists.
        const missing =
          session !== undefined &&
          route.taskId !== undefined &&
          !this.options.ctx.taskExists(route.taskId);
        return sendBody(res, missing ? 404 : 200, page.type, page.body);
      }
      case 'asset': {
        const asset = this.assets.get(route.name);
        if (!asset) throw new HttpError(404, `no file ${route.name}`);
        return sendBody(res, 200, asset.type, asset.body);
      }
      case 'events':
        if (req.method === 'HEAD') return sendBody(res, 200, 'text/event-stream', '');
        return this.streams.open(
          res,
          feedEventJson({ kind: 'snapshot', tasks: this.feed.tasks() }, this.toJson),
        );
      case 'list':
        return sendJson(res, 200, listTasks(this.api));
      case 'task':
        return sendJson(res, 200, getTask(this.api, route.taskId));
      case 'diff':
        return sendJson(res, 200, await getDiff(this.api, route.taskId));
      case 'compare':
        return sendJson(res, 200, await getComparison(this.api, route.taskId));
      case 'models':
        return sendJson(res, 200, await listModels(this.api));
      case 'action': {
        const body = await readJsonBody(req);
        return sendJson(res, 200, await postAction(this.api, route.taskId, route.action, body));
      }
    }
  }

  private fail(res: ServerResponse, error: unknown, json: boolean): void {
    const known = errorResponse(error);
    if (!known)
      this.options.log(`dispatch ui: internal error: ${(error as Error).stack ?? String(error)}`);
    const { status, body } = known ?? {
      status: 500,
      body: { error: 'internal error', hint: 'See the terminal running `dispatch ui`.' },
    };
    if (res.headersSent) {
      res.end();
      return;
    }
    // After a refused upload the rest of it is not read: close the connection instead.
    if (status === 413) res.setHeader('Connection', 'close');
    if (json) sendJson(res, status, body);
    else
      sendBody(
        res,
        status,
        'text/plain; charset=utf-8',
        `${status} ${body.error}\n\n${body.hint ?? ''}\n`,
      );
  }
}

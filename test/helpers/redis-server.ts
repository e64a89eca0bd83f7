import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A free TCP port on 127.0.0.1, found by letting the system pick one. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolve(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

/** Sends PING over a raw connection; resolves true on +PONG. */
function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ host: '127.0.0.1', port });
    let reply = '';
    socket.on('data', (chunk) => {
      reply += chunk.toString();
      if (reply.includes('\r\n')) {
        socket.destroy();
        resolve(reply.startsWith('+PONG'));
      }
    });
    socket.on('error', () => resolve(false));
    socket.on('connect', () => socket.write('PING\r\n'));
  });
}

/**
 * A private redis-server (the Debian package) on a free port with its own temp folder, for one
 * test file; without persistence unless asked (`persist` keeps an append-only file, so `restart()`
 * brings the same data back). `stop()` kills it and removes the folder.
 */
export class RedisServer {
  private child: ChildProcess | undefined;
  private dir = '';
  port = 0;

  constructor(private readonly options: { persist?: boolean } = {}) {}

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  async start(timeoutMs = 10_000): Promise<this> {
    this.dir ||= mkdtempSync(join(tmpdir(), 'dispatch-redis-'));
    this.port ||= await freePort();
    const persistence = this.options.persist
      ? ['--appendonly', 'yes', '--appendfsync', 'always']
      : ['--appendonly', 'no'];
    const child = spawn(
      'redis-server',
      [
        '--port',
        String(this.port),
        '--bind',
        '127.0.0.1',
        '--save',
        '',
        ...persistence,
        '--dir',
        this.dir,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    this.child = child;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<never>((_, reject) =>
      child.once('exit', (code) => reject(new Error(`redis-server exited (${code}): ${stderr}`))),
    );
    exited.catch(() => undefined);
    const deadline = Date.now() + timeoutMs;
    // Polls the new server until it answers: there is no file or event to wait on instead.
    while (!(await Promise.race([ping(this.port), exited]))) {
      if (Date.now() > deadline)
        throw new Error(`redis-server did not answer within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this;
  }

  /** Stops the server as a shutdown does (SIGTERM) and starts it again on the same port. */
  async restart(): Promise<void> {
    const child = this.child;
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await exited;
    }
    await this.start();
  }

  stop(): void {
    this.child?.kill('SIGKILL');
    this.child = undefined;
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

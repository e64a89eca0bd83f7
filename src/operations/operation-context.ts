import { resolve } from 'node:path';
import type { Config } from '../core/config/config-types.js';
import { loadConfig, loadConfigParser, prepareConfig } from '../runtime/config-file.js';
import { findDispatchRoot } from '../runtime/paths.js';
import { TaskStore } from '../runtime/store/task-store.js';
import { groupChildren } from '../runtime/tasks/best-of-group.js';

/** Where the operations work and who acts; every interface makes one and passes it down. */
export interface ContextOptions {
  /**
   * The folder whose `.dispatch/` root holds the tasks: the nearest ancestor with
   * `.dispatch/tasks`, else the enclosing git repository's top, else this folder.
   * Default: `process.cwd()`.
   */
  cwd?: string;
  /** Environment for the config (`DISPATCH_CONFIG`, `DISPATCH_HOME`, `HOME`) and root lookup. */
  env?: NodeJS.ProcessEnv;
  /** Who answers, notes and cancels, as recorded in the task history. */
  by?: string;
  /** Told the `.dispatch/` root once it is found (an interface may say which one it uses). */
  onRoot?: (root: string) => void;
  /**
   * Refuse a request's folder that leads outside `cwd` (what the MCP server does: it serves one
   * project). Default: false.
   */
  confine?: boolean;
}

/**
 * What every operation needs: the task store of the project and the user's config. The store is
 * found on first use and kept; the config is read on every use (cheaply, from a cache checked
 * against the file), so a long-lived interface sees edits.
 */
export class OperationContext {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  readonly by: string;
  readonly confine: boolean;
  private storeCache: TaskStore | undefined;
  private readonly onRoot: ((root: string) => void) | undefined;

  constructor(options: ContextOptions = {}) {
    this.cwd = resolve(options.cwd ?? process.cwd());
    this.env = options.env ?? process.env;
    this.by = options.by ?? 'user';
    this.onRoot = options.onRoot;
    this.confine = options.confine ?? false;
  }

  get store(): TaskStore {
    if (!this.storeCache) {
      const root = findDispatchRoot(this.cwd, this.env);
      this.onRoot?.(root);
      this.storeCache = new TaskStore(root, this.env);
    }
    return this.storeCache;
  }

  /** The `.dispatch/` folder that holds the tasks. */
  get root(): string {
    return this.store.root;
  }

  /** The project folder the root belongs to. */
  get project(): string {
    return this.store.paths.project;
  }

  /** The `tasks/` folder. */
  get tasksDir(): string {
    return this.store.paths.tasks;
  }

  /** A task's folder (whether or not it exists). */
  taskDir(id: string): string {
    return this.store.files(id).taskDir;
  }

  /** Whether a task of this id exists (a malformed id is refused). */
  taskExists(id: string): boolean {
    return this.store.exists(id);
  }

  /**
   * The task a user means: the whole id, or a start of it only one task has. Fails with
   * `not-found` when none matches and `usage` (naming the candidates) when several do.
   */
  resolveTaskId(ref: string): string {
    return this.store.resolveId(ref);
  }

  /**
   * The tasks a user means where several may go: a task (as `resolveTaskId`), or every run of a
   * best-of group named by the group's id (`dispatch wait fix-parser`).
   */
  resolveTaskOrGroup(ref: string): string[] {
    if (this.store.exists(ref)) return [ref];
    const runs = groupChildren(this.store, ref);
    if (runs.length > 0) return runs.map((status) => status.id);
    return [this.resolveTaskId(ref)];
  }

  /** The most recently created task, for commands that default to it; undefined when none. */
  latestTaskId(): string | undefined {
    return this.store.latestId();
  }

  /** Fails with `not-found` (or `invalid-id`) unless the task exists. */
  requireTask(id: string): void {
    this.store.require(id);
  }

  config(): Config {
    return loadConfig(this.env);
  }

  /** Makes `config()` ready: loads the YAML parser only when the file changed since it was cached. */
  prepare(): Promise<void> {
    return prepareConfig(this.env);
  }

  /** For interfaces that run long (watch, dashboard): the parser stays loaded for later edits. */
  stayReady(): Promise<void> {
    return loadConfigParser();
  }

  /** The same root, with more in the environment its processes inherit (a queue's URL). */
  withEnv(extra: NodeJS.ProcessEnv): OperationContext {
    const env = { ...this.env, ...extra };
    const other = new OperationContext({ cwd: this.cwd, env, by: this.by, confine: this.confine });
    other.storeCache = new TaskStore(this.store.root, env);
    return other;
  }

  /** The same place, acting as someone else (the dashboard answers as "dashboard"). */
  as(by: string): OperationContext {
    const other = new OperationContext({ cwd: this.cwd, env: this.env, by, confine: this.confine });
    other.storeCache = this.storeCache;
    return other;
  }
}

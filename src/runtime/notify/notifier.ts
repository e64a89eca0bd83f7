import { spawn } from 'node:child_process';
import type { NotifyEvent } from '../../core/config/config-schema.js';
import type { NotifyConfig } from '../../core/config/config-types.js';
import type { TaskStatus } from '../../core/status/task-status.js';
import { findOnPath } from '../backends/find-on-path.js';
import { notificationPayload, notificationText } from './notification.js';

const HOOK_TIMEOUT_MS = 30_000;

/**
 * Fires the user's notify hooks and desktop notifications. A hook is the user's own shell command
 * from the config; the task's data reaches it only as JSON on standard input, never in the
 * command line. Desktop notifications pass the text as separate arguments. Failures are reported
 * to `onProblem` and never stop supervision.
 */
export class Notifier {
  constructor(
    private readonly config: () => NotifyConfig,
    private readonly root: string,
    private readonly onProblem: (message: string) => void = () => undefined,
  ) {}

  notify(event: NotifyEvent, status: TaskStatus): void {
    const config = this.config();
    const payload = notificationPayload(event, status, this.root);
    const hook = config.hooks[event];
    if (hook) this.runHook(event, hook, JSON.stringify(payload));
    if (config.desktop) this.desktop(notificationText(payload));
  }

  private runHook(event: NotifyEvent, command: string, input: string): void {
    const child = spawn('/bin/sh', ['-c', command], {
      stdio: ['pipe', 'ignore', 'pipe'],
      detached: false,
    });
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-500)));
    child.stdin?.on('error', () => undefined);
    child.stdin?.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), HOOK_TIMEOUT_MS);
    timer.unref();
    child.on('error', (error) =>
      this.onProblem(`notify hook for ${event} could not start: ${error.message}`),
    );
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code !== 0)
        this.onProblem(`notify hook for ${event} exited with ${code}: ${stderr.trim()}`);
    });
  }

  private desktop(text: { title: string; body: string }): void {
    const command = desktopCommand(text);
    if (!command) return;
    const child = spawn(command[0] as string, command.slice(1), { stdio: 'ignore' });
    child.on('error', () => undefined);
  }
}

/** notify-send on Linux, osascript on macOS; undefined where neither exists. */
export function desktopCommand(text: { title: string; body: string }): string[] | undefined {
  if (process.platform === 'darwin' && findOnPath('osascript')) {
    // The text is passed as arguments to the script, never spliced into AppleScript source.
    return [
      'osascript',
      '-e',
      'on run argv',
      '-e',
      'display notification (item 2 of argv) with title (item 1 of argv)',
      '-e',
      'end run',
      text.title,
      text.body,
    ];
  }
  const notifySend = findOnPath('notify-send');
  if (notifySend) return [notifySend, '--app-name=dispatch', text.title, text.body];
  return undefined;
}

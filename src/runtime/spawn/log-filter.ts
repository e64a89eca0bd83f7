import type { TokenUsage } from '../../core/task/task-events.js';
import type { EventRenderer, RenderState } from '../../core/backends/backend.js';
import { attemptUsage, flushText } from '../../core/backends/render-helpers.js';

/**
 * Turns an agent CLI's JSON event stream into readable worker.log lines and collects the usage
 * it reports. A line that is not a JSON object passes through unchanged, and so does one the
 * renderer chokes on: the log never loses what the CLI printed.
 */
export class LogFilter {
  private readonly state: RenderState = { steps: undefined, total: undefined, text: '' };

  constructor(private readonly renderer: EventRenderer) {}

  /** The worker.log lines for one line of the CLI's standard output. */
  line(text: string): string[] {
    if (!text.trimStart().startsWith('{')) return [...flushText(this.state), text];
    let event: unknown;
    try {
      event = JSON.parse(text);
    } catch {
      return [...flushText(this.state), text];
    }
    if (!event || typeof event !== 'object' || Array.isArray(event)) return [text];
    try {
      return this.renderer.render(event as Record<string, unknown>, this.state);
    } catch {
      return [text];
    }
  }

  /** Lines still held back (streamed text) when the output ends. */
  end(): string[] {
    return flushText(this.state);
  }

  /** The session id the CLI named so far (validated), if any. */
  session(): string | undefined {
    return this.state.session;
  }

  /** What the CLI reported using, if it reported anything. */
  usage(): TokenUsage | undefined {
    return attemptUsage(this.state);
  }
}

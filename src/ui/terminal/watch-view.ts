import type { OperationContext } from '../../operations/operation-context.js';
import { showTask } from '../../operations/show-operation.js';
import { isTerminal } from '../../core/status/state-groups.js';
import { openTaskFeed, type FeedEvent } from '../../operations/task-feed.js';
import { fromKeypress } from './keys.js';
import { buildFrame, frameText } from './render-screen.js';
import type { StyleLevel } from './styled-line.js';
import { TerminalSession } from './terminal-session.js';
import { busyText, performAction } from './watch-actions.js';
import { handleKey, type Effect } from './watch-keys.js';
import { initialState, withTasks, type WatchState } from './watch-state.js';

export interface WatchViewOptions {
  /** Where the tasks are; the view acts as "watch". */
  ctx: OperationContext;
  /** Only these tasks; every task (also new ones) when undefined. */
  ids: string[] | undefined;
  bell: boolean;
  input: NodeJS.ReadStream;
  output: NodeJS.WriteStream;
  styles: StyleLevel;
}

const STOP_SIGNALS: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
const OUTPUT_REDRAW_MS = 200;

/**
 * The full-screen `dispatch watch`: redraws on feed events (file changes), keys act through the
 * runtime operations. Resolves when the user quits; rejects on an internal error, after the
 * terminal has been restored.
 */
export function runWatchView(options: WatchViewOptions): Promise<void> {
  const { output } = options;
  const session = new TerminalSession(options.input, output);
  const feed = openTaskFeed(options.ctx, options.ids);
  const actions = options.ctx.as('watch');
  let state: WatchState = initialState({
    ...session.size,
    now: Date.now(),
    place: options.ctx.project,
    filtered: options.ids !== undefined,
  });
  let started = false;
  let drawPending = false;
  let stopped = false;
  let clock: NodeJS.Timeout | undefined;
  let outputReload: NodeJS.Timeout | undefined;

  return new Promise<void>((resolve, reject) => {
    const stop = (error?: unknown) => {
      if (stopped) return;
      stopped = true;
      if (clock) clearInterval(clock);
      if (outputReload) clearTimeout(outputReload);
      feed.off('output', onOutput);
      feed.stop();
      options.input.off('keypress', onKey);
      options.input.off('error', stop);
      output.off('resize', onResize);
      for (const signal of STOP_SIGNALS) process.off(signal, onSignal);
      session.restore();
      if (error === undefined) resolve();
      else reject(error);
    };
    const guard =
      <A extends unknown[]>(fn: (...args: A) => void) =>
      (...args: A) => {
        if (stopped) return;
        try {
          fn(...args);
        } catch (error) {
          stop(error);
        }
      };

    const draw = guard(() => {
      drawPending = false;
      const frame = buildFrame(state);
      state = { ...state, listOffset: frame.listOffset, detailScroll: frame.detailScroll };
      session.draw(frameText(frame, state.width, options.styles), frame.cursor);
    });
    // Bursts of feed events (changed + question + finished) make one redraw.
    const scheduleDraw = () => {
      if (drawPending || stopped) return;
      drawPending = true;
      setImmediate(draw);
    };

    const loadDetail = (id: string) => {
      if (state.detail?.id !== id) return;
      try {
        // A finished task's page shows what it produced (its summary); reading that may run git.
        const task = state.tasks.find((candidate) => candidate.id === id);
        const results = task !== undefined && isTerminal(task.state);
        state = { ...state, detail: { id, data: showTask(actions, { id, results }) } };
      } catch {
        // removed meanwhile: withTasks closes the view
      }
    };

    const runEffect = (effect: Effect) => {
      if (effect.kind === 'quit') return stop();
      if (effect.kind === 'load-detail') return loadDetail(effect.id);
      state = { ...state, busy: busyText(effect) };
      performAction(actions, effect).then(
        guard((message) => {
          state = { ...state, busy: undefined, message };
          feed.refresh(effect.id);
          state = withTasks(state, feed.tasks());
          loadDetail(effect.id);
          scheduleDraw();
        }),
        stop,
      );
    };

    const onFeed = guard((event: FeedEvent) => {
      state = withTasks(state, feed.tasks());
      if (event.kind !== 'snapshot' && event.kind !== 'removed' && state.detail) {
        if (event.task.id === state.detail.id) loadDetail(event.task.id);
      }
      if (started && options.bell && (event.kind === 'question' || event.kind === 'finished'))
        session.bell();
      scheduleDraw();
    });
    // The open plan view shows the log tail: follow the worker's output, at most a few redraws a
    // second however fast it writes.
    const onOutput = (id: string) => {
      if (stopped || outputReload || state.detail?.id !== id) return;
      outputReload = setTimeout(
        guard(() => {
          outputReload = undefined;
          loadDetail(id);
          scheduleDraw();
        }),
        OUTPUT_REDRAW_MS,
      );
    };
    const onKey = guard((str: string | undefined, key: Parameters<typeof fromKeypress>[1]) => {
      const result = handleKey(state, fromKeypress(str, key));
      state = result.state;
      if (result.effect) runEffect(result.effect);
      scheduleDraw();
    });
    const onResize = guard(() => {
      state = { ...state, ...session.size };
      session.invalidate();
      scheduleDraw();
    });
    const onSignal = () => stop();

    try {
      session.enter();
      for (const signal of STOP_SIGNALS) process.on(signal, onSignal);
      options.input.on('keypress', onKey);
      options.input.on('error', stop);
      output.on('resize', onResize);
      feed.on('event', onFeed);
      feed.on('output', onOutput);
      feed.start();
      started = true;
      // Only the elapsed times change with the clock; everything else redraws on feed events.
      clock = setInterval(
        guard(() => {
          state = { ...state, now: Date.now() };
          scheduleDraw();
        }),
        1000,
      );
      scheduleDraw();
    } catch (error) {
      stop(error);
    }
  });
}

// @ts-check
// The front page: a summary bar that filters by state, pending questions with an answer box,
// then every task as a card (newest first in each group).
/** @import { PageView, Task } from '../page-types.js' */
import { el, reconcile, setText } from './dom.js';
import { FILTERS, currentText, orderTasks, seqLabel } from './format.js';
import {
  answerForm,
  timeNode,
  elapsedNode,
  progressBlock,
  stateBadge,
  updateBadge,
  updateElapsed,
  updateProgress,
} from './widgets.js';

/** A task with a pending question. */
/** @typedef {Task & { question: NonNullable<Task['question']> }} AskingTask */

/**
 * @param {Task} task
 * @param {string} [className]
 */
function taskLink(task, className) {
  return el('a', { className, attrs: { href: `/task/${encodeURIComponent(task.id)}` } });
}

/** @param {AskingTask} task */
function questionKey(task) {
  return `${task.id}\u0000${task.question.seq ?? 'blocked'}\u0000${task.question.text}`;
}

/** @param {AskingTask} task */
function createQuestionCard(task) {
  const link = taskLink(task);
  const card = el(
    'article',
    { className: 'question-card', attrs: { 'aria-label': `Question from ${task.id}` } },
    el('h3', {}, link),
    el('p', {
      className: 'question-label',
      text:
        task.question.seq !== null
          ? `Question ${seqLabel(task.question.seq)} from ${task.id}`
          : `Question from ${task.id} (the worker stopped waiting)`,
    }),
    el('p', { className: 'question-text', text: task.question.text }),
    answerForm(task, 'home'),
  );
  return Object.assign(card, { link });
}

/**
 * @param {ReturnType<typeof createQuestionCard>} card
 * @param {AskingTask} task
 */
function updateQuestionCard(card, task) {
  setText(card.link, task.title);
}

/** @param {Task} task */
function createTaskCard(task) {
  const link = taskLink(task);
  const titleId = `card-title-${task.id}`;
  const badge = stateBadge();
  const model = el('span', { className: 'model' });
  const elapsed = elapsedNode();
  const progress = progressBlock(`card-progress-${task.id}`);
  const current = el('span', { className: 'current-text' });
  const question = el('p', { className: 'card-question' });
  const advice = el('p', { className: 'advice' });
  const when = el('p', { className: 'card-when muted' });
  const card = el(
    'li',
    { className: 'card' },
    el(
      'article',
      { attrs: { 'aria-labelledby': titleId } },
      el('h3', { attrs: { id: titleId } }, link),
      el('p', { className: 'task-id', text: task.id }),
      el(
        'p',
        { className: 'card-meta' },
        badge,
        el(
          'span',
          { className: 'meta-item' },
          el('span', { className: 'visually-hidden', text: 'Model: ' }),
          model,
        ),
        el(
          'span',
          { className: 'meta-item' },
          el('span', { className: 'visually-hidden', text: 'Elapsed: ' }),
          elapsed,
        ),
      ),
      progress.node,
      el('p', { className: 'current' }, el('span', { className: 'label', text: 'Now: ' }), current),
      advice,
      question,
      when,
    ),
  );
  return Object.assign(card, {
    link,
    badge,
    model,
    elapsed,
    progress,
    current,
    advice,
    question,
    when,
    whenKey: '',
  });
}

/**
 * @param {ReturnType<typeof createTaskCard>} card
 * @param {Task} task
 */
function updateTaskCard(card, task) {
  card.className = `card state-${task.state}`;
  setText(card.link, task.title);
  updateBadge(card.badge, task);
  setText(card.model, task.model ?? 'no model');
  updateElapsed(card.elapsed, task);
  updateProgress(card.progress, task);
  setText(card.current, currentText(task) || '–');
  card.advice.hidden = !task.display.advice;
  setText(card.advice, task.display.advice ?? '');
  const whenKey = `${task.createdAt}|${task.startedAt}|${task.endedAt}`;
  if (whenKey !== card.whenKey) {
    card.whenKey = whenKey;
    card.when.replaceChildren(
      timeNode('created', task.createdAt),
      task.startedAt ? timeNode(' · started', task.startedAt) : '',
      task.endedAt ? timeNode(' · ended', task.endedAt) : '',
    );
  }
  const q = task.question;
  card.question.hidden = !q;
  setText(
    card.question,
    q ? `Question${q.seq !== null ? ` ${seqLabel(q.seq)}` : ''}: ${q.text}` : '',
  );
}

/**
 * @param {HTMLElement} app
 * @returns {PageView}
 */
export function homePage(app) {
  const questionsList = el('div', { className: 'question-list' });
  const questionsHeading = el('h2', { attrs: { id: 'questions-heading' } });
  const questions = el(
    'section',
    { className: 'questions', attrs: { 'aria-labelledby': 'questions-heading' } },
    questionsHeading,
    questionsList,
  );
  const cards = el('ul', { className: 'cards' });
  const tasksHeading = el('h2', { attrs: { id: 'tasks-heading' } });
  const loading = el('p', { className: 'empty', text: 'Loading tasks…' });
  const empty = el(
    'p',
    { className: 'empty', attrs: { hidden: true } },
    'No tasks yet. Start one with ',
    el('code', { text: 'dispatch run "what to do"' }),
    '; it appears here at once.',
  );
  const filtered = el('p', { className: 'empty', attrs: { hidden: true } });
  const bar = summaryBar(() => view.render(latest));
  const tasksSection = el(
    'section',
    { attrs: { 'aria-labelledby': 'tasks-heading' } },
    tasksHeading,
    loading,
    empty,
    filtered,
    cards,
  );
  app.replaceChildren(
    el('h1', { className: 'visually-hidden', text: 'Tasks' }),
    bar.node,
    questions,
    tasksSection,
  );
  document.title = 'dispatch: tasks';
  /** @type {Task[]} */
  let latest = [];

  /** @type {PageView} */
  const view = {
    render(all) {
      latest = all;
      loading.hidden = true;
      bar.update(all);
      const tasks = orderTasks(all);
      const asking = tasks.filter(
        /** @returns {task is AskingTask} */ (task) => task.question !== null,
      );
      questions.hidden = asking.length === 0 || !['all', 'waiting'].includes(bar.filter);
      setText(
        questionsHeading,
        `${asking.length} question${asking.length === 1 ? '' : 's'} waiting for you`,
      );
      reconcile(questionsList, asking, questionKey, createQuestionCard, updateQuestionCard);
      const shown = tasks.filter(FILTERS[bar.filter]?.test ?? (() => true));
      setText(
        tasksHeading,
        bar.filter === 'all'
          ? `${tasks.length} task${tasks.length === 1 ? '' : 's'}`
          : `${FILTERS[bar.filter]?.label}: ${shown.length} of ${tasks.length} tasks`,
      );
      empty.hidden = tasks.length > 0;
      filtered.hidden = tasks.length === 0 || shown.length > 0;
      setText(filtered, 'No task in this state.');
      reconcile(cards, shown, (task) => task.id, createTaskCard, updateTaskCard);
    },
    onTaskEvent() {},
  };
  return view;
}

/**
 * Counts per state group, each a toggle that shows only those tasks (kept in the address's
 * #fragment, so a reload keeps it).
 * @param {() => void} changed
 */
function summaryBar(changed) {
  const initial = location.hash.slice(1);
  let filter = Object.hasOwn(FILTERS, initial) ? initial : 'all';
  /** @type {Map<string, { button: HTMLButtonElement, count: HTMLElement }>} */
  const buttons = new Map();
  const node = el('nav', {
    className: 'summary-bar',
    attrs: { 'aria-label': 'Filter tasks by state' },
  });
  for (const [name, { label }] of Object.entries(FILTERS)) {
    const count = el('span', { className: 'count', text: '0' });
    const button = el(
      'button',
      {
        className: `filter filter-${name}`,
        attrs: { type: 'button', 'aria-pressed': String(name === filter) },
        on: {
          click: () => {
            filter = name;
            history.replaceState(null, '', name === 'all' ? location.pathname : `#${name}`);
            for (const [other, parts] of buttons)
              parts.button.setAttribute('aria-pressed', String(other === name));
            changed();
          },
        },
      },
      el('span', { className: 'filter-label', text: label }),
      ' ',
      count,
    );
    buttons.set(name, { button, count });
    node.append(button);
  }
  return {
    node,
    get filter() {
      return filter;
    },
    /** @param {Task[]} tasks */
    update(tasks) {
      for (const [name, parts] of buttons)
        setText(parts.count, String(tasks.filter(FILTERS[name]?.test ?? (() => true)).length));
    },
  };
}

// @ts-check
// The front page: pending questions first, each with an answer box; then every task as a card.
/** @import { PageView, Task } from '../page-types.js' */
import { el, reconcile, setText } from './dom.js';
import { currentText, orderTasks, seqLabel } from './format.js';
import {
  answerForm,
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
      question,
    ),
  );
  return Object.assign(card, { link, badge, model, elapsed, progress, current, question });
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
  const empty = el(
    'p',
    { className: 'empty' },
    'No tasks yet. Start one with ',
    el('code', { text: 'dispatch run "what to do"' }),
    '; it appears here at once.',
  );
  const tasksSection = el(
    'section',
    { attrs: { 'aria-labelledby': 'tasks-heading' } },
    tasksHeading,
    empty,
    cards,
  );
  app.replaceChildren(
    el('h1', { className: 'visually-hidden', text: 'Tasks' }),
    questions,
    tasksSection,
  );
  document.title = 'dispatch: tasks';

  return {
    render(all) {
      const tasks = orderTasks(all);
      const asking = tasks.filter(
        /** @returns {task is AskingTask} */ (task) => task.question !== null,
      );
      questions.hidden = asking.length === 0;
      setText(
        questionsHeading,
        `${asking.length} question${asking.length === 1 ? '' : 's'} waiting for you`,
      );
      reconcile(questionsList, asking, questionKey, createQuestionCard, updateQuestionCard);
      const running = tasks.filter((task) => task.state === 'running').length;
      setText(
        tasksHeading,
        `${tasks.length} task${tasks.length === 1 ? '' : 's'}${running ? `, ${running} running` : ''}`,
      );
      empty.hidden = tasks.length > 0;
      reconcile(cards, tasks, (task) => task.id, createTaskCard, updateTaskCard);
    },
    onTaskEvent() {},
  };
}

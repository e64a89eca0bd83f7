// @ts-check
// Pieces both pages use: state badge, progress, elapsed time, forms that post an action.
/** @import { Task } from '../page-types.js' */
import { ApiError, postJson, taskPath } from './api.js';
import { el, setText } from './dom.js';
import { clockTime, elapsedText, seqLabel, stateLabel } from './format.js';

const announcer = () => document.getElementById('announcer');

/**
 * Says something to screen readers through the page's aria-live region.
 * @param {string} text
 */
export function announce(text) {
  const region = announcer();
  if (!region) return;
  region.textContent = '';
  // New text a moment later is announced even when the words repeat.
  setTimeout(() => (region.textContent = text), 50);
}

/**
 * Says how an action went in the page's notice line, which stays when the form it came from
 * goes (an answered question's card is removed at once).
 * @param {string} text
 */
export function notify(text) {
  const notice = document.getElementById('notice');
  if (!notice) return;
  notice.hidden = false;
  setText(notice, text);
}

/**
 * A `<time>` saying when, in local time, with the full date and time on hover.
 * @param {string} label
 * @param {string | null} iso
 */
export function timeNode(label, iso) {
  if (!iso) return el('span');
  return el(
    'span',
    { className: 'when' },
    `${label} `,
    el('time', {
      attrs: { datetime: iso, title: new Date(iso).toLocaleString() },
      text: clockTime(iso),
    }),
  );
}

export function stateBadge() {
  return el('span', { className: 'badge' });
}

/**
 * @param {HTMLElement} badge
 * @param {Task} task
 */
export function updateBadge(badge, task) {
  badge.className = `badge state-${task.state}`;
  setText(badge, stateLabel(task));
}

/**
 * @typedef {{ node: HTMLElement, bar: HTMLProgressElement, text: HTMLElement }} ProgressBlock
 */

/**
 * @param {string} labelId
 * @returns {ProgressBlock}
 */
export function progressBlock(labelId) {
  const bar = el('progress', { attrs: { max: 1, value: 0, 'aria-labelledby': labelId } });
  const text = el('span', { className: 'progress-text', attrs: { id: labelId } });
  return { node: el('div', { className: 'progress' }, bar, text), bar, text };
}

/**
 * @param {ProgressBlock} block
 * @param {Task} task
 */
export function updateProgress(block, task) {
  const { done, total } = task.progress;
  block.bar.max = Math.max(1, total);
  block.bar.value = done;
  setText(block.text, `${done}/${total} items`);
}

/** An element whose text the page's one-second clock keeps current (see app.js). */
export function elapsedNode() {
  return el('span', { className: 'elapsed' });
}

/**
 * @param {HTMLElement} node
 * @param {Task} task
 */
export function updateElapsed(node, task) {
  node.dataset.startedAt = task.startedAt ?? '';
  node.dataset.endedAt = task.endedAt ?? '';
  setText(node, elapsedText(task.startedAt, task.endedAt));
}

/** @param {ParentNode} root */
export function refreshElapsedTimes(root = document) {
  for (const node of root.querySelectorAll('.elapsed')) {
    if (!(node instanceof HTMLElement)) continue;
    setText(node, elapsedText(node.dataset.startedAt || null, node.dataset.endedAt || null));
  }
}

/**
 * A form that posts one action: the button is disabled while it runs, a refusal is shown with
 * its hint in a role=alert paragraph, success in a role=status one.
 * @param {object} options
 * @param {string} [options.className]
 * @param {Node[]} options.fields
 * @param {{ text: string, className?: string }} options.button
 * @param {() => Promise<{ message?: string }>} options.send
 * @param {(result: { message?: string }) => void} [options.done]
 */
export function actionForm({ className, fields, button, send, done }) {
  const error = el('p', { className: 'form-error', attrs: { role: 'alert' } });
  const status = el('p', { className: 'form-status', attrs: { role: 'status' } });
  const submit = el('button', {
    className: button.className ?? 'primary',
    attrs: { type: 'submit' },
    text: button.text,
  });
  const form = el(
    'form',
    { className: `action-form ${className ?? ''}` },
    ...fields,
    el('div', { className: 'form-row' }, submit),
    error,
    status,
  );
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    setText(error, '');
    setText(status, '');
    submit.disabled = true;
    try {
      const result = await send();
      setText(status, result.message ?? 'Done.');
      announce(result.message ?? 'Done.');
      done?.(result);
    } catch (failure) {
      const message = failure instanceof Error ? failure.message : String(failure);
      const hint = failure instanceof ApiError ? failure.hint : undefined;
      setText(error, hint ? `${message}. ${hint}` : message);
    } finally {
      submit.disabled = false;
    }
  });
  // Ctrl+Enter (Cmd+Enter) sends from a text area, where Enter makes a new line.
  form.addEventListener('keydown', (event) => {
    if (
      event.key === 'Enter' &&
      (event.ctrlKey || event.metaKey) &&
      event.target instanceof HTMLTextAreaElement
    ) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  return { form, submit, error, status };
}

/**
 * A labelled text area or text input.
 * @param {object} options
 * @param {string} options.id
 * @param {string} options.label
 * @param {string} [options.hint]
 * @param {boolean} [options.multiline]
 * @param {boolean} [options.required]
 * @param {string} [options.placeholder]
 * @returns {{ node: HTMLElement, input: HTMLTextAreaElement | HTMLInputElement }}
 */
export function textField({ id, label, hint, multiline = true, required = false, placeholder }) {
  const hintId = hint ? `${id}-hint` : undefined;
  const input = el(multiline ? 'textarea' : 'input', {
    attrs: {
      id,
      name: id,
      rows: multiline ? 2 : undefined,
      type: multiline ? undefined : 'text',
      required,
      placeholder,
      autocomplete: 'off',
      'aria-describedby': hintId,
    },
  });
  /** @type {HTMLElement[]} */
  const parts = [el('label', { attrs: { for: id }, text: label }), input];
  if (hint) parts.push(el('p', { className: 'field-hint', attrs: { id: hintId }, text: hint }));
  return { node: el('div', { className: 'field' }, ...parts), input };
}

/**
 * The answer box for a task's pending question (the same operation as `dispatch answer`).
 * @param {Task & { question: NonNullable<Task['question']> }} task
 * @param {string} prefix
 */
export function answerForm(task, prefix) {
  const seq = task.question.seq;
  const id = `${prefix}-answer-${task.id}-${seq ?? 'blocked'}`;
  const field = textField({
    id,
    label: seq !== null ? `Your answer to question ${seqLabel(seq)}` : 'Your answer',
    hint: task.question.live
      ? 'The worker is waiting and continues with your answer. Ctrl+Enter sends.'
      : 'The worker stopped waiting; answering starts a new one with your answer. Ctrl+Enter sends.',
    required: true,
  });
  const parts = actionForm({
    className: 'answer-form',
    fields: [field.node],
    button: { text: 'Send answer' },
    send: () => postJson(`${taskPath(task.id)}/answer`, { text: field.input.value, seq }),
    done: (result) => {
      field.input.value = '';
      notify(result.message ?? 'Answer sent.');
    },
  });
  return parts.form;
}

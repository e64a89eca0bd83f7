// Pieces both pages use: state badge, progress, elapsed time, forms that post an action.
import { postJson, taskPath } from './api.js';
import { el, setText } from './dom.js';
import { elapsedText, seqLabel, stateLabel } from './format.js';

const announcer = () => document.getElementById('announcer');

/** Says something to screen readers through the page's aria-live region. */
export function announce(text) {
  const region = announcer();
  if (!region) return;
  region.textContent = '';
  // New text a moment later is announced even when the words repeat.
  setTimeout(() => (region.textContent = text), 50);
}

export function stateBadge() {
  return el('span', { className: 'badge' });
}

export function updateBadge(badge, task) {
  badge.className = `badge state-${task.state}`;
  setText(badge, stateLabel(task));
}

export function progressBlock(labelId) {
  const bar = el('progress', { attrs: { max: 1, value: 0, 'aria-labelledby': labelId } });
  const text = el('span', { className: 'progress-text', attrs: { id: labelId } });
  return { node: el('div', { className: 'progress' }, bar, text), bar, text };
}

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

export function updateElapsed(node, task) {
  node.dataset.startedAt = task.startedAt ?? '';
  node.dataset.endedAt = task.endedAt ?? '';
  setText(node, elapsedText(task.startedAt, task.endedAt));
}

export function refreshElapsedTimes(root = document) {
  for (const node of root.querySelectorAll('.elapsed')) {
    setText(node, elapsedText(node.dataset.startedAt || null, node.dataset.endedAt || null));
  }
}

/**
 * A form that posts one action: the button is disabled while it runs, a refusal is shown with
 * its hint in a role=alert paragraph, success in a role=status one.
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
      setText(error, failure.hint ? `${failure.message}. ${failure.hint}` : failure.message);
    } finally {
      submit.disabled = false;
    }
  });
  // Ctrl+Enter (Cmd+Enter) sends from a text area, where Enter makes a new line.
  form.addEventListener('keydown', (event) => {
    if (
      event.key === 'Enter' &&
      (event.ctrlKey || event.metaKey) &&
      event.target.tagName === 'TEXTAREA'
    ) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  return { form, submit, error, status };
}

/** A labelled text area or text input. */
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
  const parts = [el('label', { attrs: { for: id }, text: label }), input];
  if (hint) parts.push(el('p', { className: 'field-hint', attrs: { id: hintId }, text: hint }));
  return { node: el('div', { className: 'field' }, ...parts), input };
}

/** The answer box for a task's pending question (the same operation as `dispatch answer`). */
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
    done: () => (field.input.value = ''),
  });
  return parts.form;
}

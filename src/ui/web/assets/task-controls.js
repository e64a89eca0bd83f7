// @ts-check
// The task page's actions: cancel (with a confirmation and a reason) and retry (optionally with
// another model), each shown only when the task's state allows it.
import { postJson, taskPath } from './api.js';
import { el } from './dom.js';
import { RETRYABLE, TERMINAL } from './format.js';
import { actionForm, textField } from './widgets.js';
/** @import { Task } from '../page-types.js' */

/** @param {string} id */
export function taskControls(id) {
  const reason = textField({ id: 'cancel-reason', label: 'Reason (optional)', multiline: false });
  const cancelForm = actionForm({
    className: 'cancel-form',
    fields: [
      el('p', { text: 'This stops the worker and everything it started. The task’s files stay.' }),
      reason.node,
    ],
    button: { text: 'Yes, cancel the task', className: 'danger' },
    send: () => postJson(`${taskPath(id)}/cancel`, { reason: reason.input.value }),
    done: () => {
      cancelForm.form.hidden = true;
      cancelOpen.hidden = false;
    },
  });
  cancelForm.form.hidden = true;
  const cancelOpen = el('button', {
    className: 'danger',
    attrs: { type: 'button' },
    text: 'Cancel task…',
    on: {
      click: () => {
        cancelForm.form.hidden = false;
        cancelOpen.hidden = true;
        reason.input.focus();
      },
    },
  });
  const cancelKeep = el('button', {
    attrs: { type: 'button' },
    text: 'Keep it running',
    on: {
      click: () => {
        cancelForm.form.hidden = true;
        cancelOpen.hidden = false;
        cancelOpen.focus();
      },
    },
  });
  cancelForm.submit.after(cancelKeep);
  const cancelBox = el('div', { className: 'action' }, cancelOpen, cancelForm.form);

  const retryModel = textField({
    id: 'retry-model',
    label: 'Model (optional)',
    hint: 'Leave empty to use the same model again.',
    multiline: false,
  });
  const retryForm = actionForm({
    className: 'retry-form',
    fields: [retryModel.node],
    button: { text: 'Retry task' },
    send: () => postJson(`${taskPath(id)}/retry`, { model: retryModel.input.value }),
  });
  const noActions = el('p', { className: 'muted', text: 'This task is finished: nothing to do.' });

  return {
    node: el('div', {}, cancelBox, retryForm.form, noActions),
    /** @param {Task} task */
    update(task) {
      const finished = TERMINAL.has(task.state);
      cancelBox.hidden = finished;
      retryForm.form.hidden = !RETRYABLE.has(task.state);
      noActions.hidden = !(finished && !RETRYABLE.has(task.state));
    },
  };
}

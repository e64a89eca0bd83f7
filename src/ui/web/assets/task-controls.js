// @ts-check
// The task page's actions: cancel (with a confirmation and a reason) and retry (optionally with
// another model), each shown only when the task's state allows it.
import { getJson, postJson, taskPath } from './api.js';
import { el, setText } from './dom.js';
import { RETRYABLE, TERMINAL } from './format.js';
import { actionForm, textField } from './widgets.js';
/** @import { Models, Task } from '../page-types.js' */

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

  // The configured models (`dispatch models`), fetched once; the same one again by default.
  const retryModel = el('select', { attrs: { id: 'retry-model', name: 'retry-model' } });
  const sameModel = el('option', { attrs: { value: '' }, text: 'The same model again' });
  retryModel.append(sameModel);
  getJson('/api/models').then(
    /** @param {Models} models */ (models) => {
      for (const model of models.models)
        retryModel.append(
          el('option', {
            attrs: { value: model.name, disabled: !model.ready },
            text: `${model.name} (${model.backend}${model.isDefault ? ', default' : ''}${model.ready ? '' : `, will not start: ${model.problem ?? 'unknown cause'}`})`,
          }),
        );
      for (const alias of models.aliases)
        retryModel.append(
          el('option', {
            attrs: { value: alias.name },
            text: `${alias.name} (alias of ${alias.model})`,
          }),
        );
    },
    () => undefined,
  );
  const retryField = el(
    'div',
    { className: 'field' },
    el('label', { attrs: { for: 'retry-model' }, text: 'Model' }),
    retryModel,
    el('p', {
      className: 'field-hint',
      text: 'The models of your config (dispatch models); a model whose CLI is not installed cannot be chosen.',
    }),
  );
  const retryForm = actionForm({
    className: 'retry-form',
    fields: [retryField],
    button: { text: 'Retry task' },
    send: () =>
      postJson(`${taskPath(id)}/retry`, retryModel.value ? { model: retryModel.value } : {}),
  });
  const noActions = el('p', { className: 'muted', text: 'This task is finished: nothing to do.' });

  return {
    node: el('div', {}, cancelBox, retryForm.form, noActions),
    /** @param {Task} task */
    update(task) {
      setText(sameModel, `The same model again${task.model ? ` (${task.model})` : ''}`);
      const finished = TERMINAL.has(task.state);
      cancelBox.hidden = finished;
      retryForm.form.hidden = !RETRYABLE.has(task.state);
      noActions.hidden = !(finished && !RETRYABLE.has(task.state));
    },
  };
}

// @ts-check
// One task: its state, question with an answer box, the plan with its markers, notes, actions
// (note, cancel, retry) and the log tail. Status updates come live; the plan, notes and log are
// fetched again whenever the feed reports a change to this task or its worker writes output.
import { ApiError, getJson, postJson, taskPath } from './api.js';
import { el, setText } from './dom.js';
import { TERMINAL, seqLabel, stateSentence, verifyText } from './format.js';
import { taskControls } from './task-controls.js';
import { taskResults } from './task-results.js';
import { bestOfPanel } from './best-of.js';
import {
  actionForm,
  answerForm,
  elapsedNode,
  progressBlock,
  stateBadge,
  textField,
  timeNode,
  updateBadge,
  updateElapsed,
  updateProgress,
} from './widgets.js';
/** @import { PageView, Task, TaskPageDetail } from '../page-types.js' */
/** @typedef {NonNullable<TaskPageDetail['plan']>['items'][number]} PlanItem */

/** @type {Record<PlanItem['marker'], { mark: string, label: string }>} */
const MARKERS = {
  done: { mark: '[x]', label: 'Done: ' },
  pending: { mark: '[ ]', label: 'To do: ' },
  blocked: { mark: '[?]', label: 'Blocked: ' },
  error: { mark: '[!]', label: 'Error: ' },
};

/**
 * @param {string} label
 * @param {(Node | string)[]} value
 */
function fact(label, ...value) {
  const dd = el('dd', {}, ...value);
  return { nodes: [el('dt', { text: label }), dd], dd };
}

/**
 * @param {string} id
 * @param {string} title
 * @param {Node[]} children
 */
function section(id, title, ...children) {
  const heading = el('h2', { attrs: { id }, text: title });
  return el(
    'section',
    { className: 'panel', attrs: { 'aria-labelledby': id } },
    heading,
    ...children,
  );
}

/**
 * @param {PlanItem} item
 * @param {boolean} current
 */
function planItem(item, current) {
  const marker = MARKERS[item.marker];
  const li = el(
    'li',
    {
      className: `item marker-${item.marker} depth-${Math.min(item.depth, 4)}${current ? ' current' : ''}`,
    },
    el('span', { className: 'marker', attrs: { 'aria-hidden': 'true' }, text: marker.mark }),
    el('span', { className: 'visually-hidden', text: marker.label }),
    el('span', { className: 'item-text', text: item.text }),
  );
  if (current) li.append(el('span', { className: 'current-tag', text: 'current' }));
  if (item.detail) li.append(el('p', { className: 'item-detail', text: item.detail }));
  return li;
}

/**
 * @param {HTMLElement} app
 * @param {string} id
 * @returns {PageView}
 */
export function taskPage(app, id) {
  const title = el('h1', { text: id });
  const badge = stateBadge();
  const sentence = el('span', { className: 'state-sentence' });
  const model = el('span');
  const progress = progressBlock('task-progress-text');
  const elapsed = elapsedNode();
  const state = fact('State', badge, ' ', sentence);
  const modelFact = fact('Model', model);
  const progressFact = fact('Progress', progress.node);
  const elapsedFact = fact('Elapsed', elapsed);
  const reasonFact = fact('Reason');
  const causeFact = fact('Cause');
  const whenFact = fact('When');
  let whenKey = '';
  const exitFact = fact('Exit');
  const verifyFact = fact('Verify');
  const facts = el(
    'dl',
    { className: 'facts' },
    ...state.nodes,
    ...modelFact.nodes,
    ...progressFact.nodes,
    ...elapsedFact.nodes,
    ...whenFact.nodes,
    ...reasonFact.nodes,
    ...causeFact.nodes,
    ...exitFact.nodes,
    ...verifyFact.nodes,
  );

  const questionLabel = el('p', { className: 'question-label' });
  const questionText = el('p', { className: 'question-text' });
  const questionForm = el('div');
  const question = el(
    'section',
    { className: 'panel question-card', attrs: { 'aria-labelledby': 'question-heading' } },
    el('h2', { attrs: { id: 'question-heading' }, text: 'Question' }),
    questionLabel,
    questionText,
    questionForm,
  );
  let questionKey = '';

  const planFile = el('p', { className: 'plan-file' });
  const planList = el('ol', { className: 'plan' });
  const planProblem = el('p', { className: 'form-error' });
  let planKey = '';
  const notesList = el('ul', { className: 'notes' });
  const noNotes = el('p', { className: 'muted', text: 'No notes yet.' });

  const note = textField({
    id: 'note-text',
    label: 'Add a note for the worker',
    hint: 'Appended to the plan as "Note from dispatcher"; the worker reads it before its next item.',
    required: true,
  });
  const noteForm = actionForm({
    className: 'note-form',
    fields: [note.node],
    button: { text: 'Add note' },
    send: () => postJson(`${taskPath(id)}/note`, { text: note.input.value }),
    done: () => {
      note.input.value = '';
      void load();
    },
  });

  const controls = taskControls(id);
  const results = taskResults(id);
  const bestOf = bestOfPanel(id);
  /** @type {Task[]} */
  let allTasks = [];

  const log = el('pre', { className: 'log', attrs: { tabindex: '0', 'aria-label': 'Worker log' } });
  const reloadLog = el('button', {
    attrs: { type: 'button' },
    text: 'Reload log',
    on: { click: () => void load() },
  });

  const missing = el('div', { className: 'panel', attrs: { hidden: true } });
  const body = el(
    'div',
    { className: 'task-body' },
    question,
    bestOf.node,
    ...results.nodes,
    section('plan-heading', 'Plan', planFile, planProblem, planList),
    section('notes-heading', 'Notes from the dispatcher', noNotes, notesList, noteForm.form),
    section('actions-heading', 'Actions', controls.node),
    section(
      'log-heading',
      'Log',
      el('p', { className: 'muted', text: 'The last lines of worker.log.' }),
      log,
      el('div', { className: 'form-row' }, reloadLog),
    ),
  );
  app.replaceChildren(
    el(
      'nav',
      { attrs: { 'aria-label': 'Breadcrumb' } },
      el('a', { attrs: { href: '/' }, text: '← All tasks' }),
    ),
    title,
    el('p', { className: 'task-id', text: id }),
    facts,
    body,
    missing,
  );

  /** @type {TaskPageDetail | undefined} */
  let detail;
  /** @type {Task | undefined} */
  let live;

  /** @param {Task} task */
  function showStatus(task) {
    setText(title, task.title);
    document.title = `dispatch: ${task.title}`;
    updateBadge(badge, task);
    setText(sentence, stateSentence(task));
    setText(
      model,
      `${task.model ?? 'no model'}${task.attempt > 1 ? `, attempt ${task.attempt}` : ''}`,
    );
    updateProgress(progress, task);
    updateElapsed(elapsed, task);
    setText(reasonFact.dd, task.reason ?? '');
    reasonFact.nodes.forEach((node) => (node.hidden = !task.reason));
    // Why it failed and what to do, as `dispatch status ID` says it.
    causeFact.dd.replaceChildren(
      task.display.cause ?? '',
      task.display.advice ? el('span', { className: 'advice', text: task.display.advice }) : '',
    );
    causeFact.nodes.forEach((node) => (node.hidden = !task.display.cause));
    const when = `${task.createdAt}|${task.startedAt}|${task.endedAt}`;
    if (when !== whenKey) {
      whenKey = when;
      whenFact.dd.replaceChildren(
        timeNode('created', task.createdAt),
        task.startedAt ? timeNode(' · started', task.startedAt) : '',
        task.endedAt ? timeNode(' · ended', task.endedAt) : '',
      );
    }
    const exit = task.exit
      ? task.exit.signal
        ? `killed by ${task.exit.signal} (code ${task.exit.code})`
        : `code ${task.exit.code}`
      : '';
    setText(exitFact.dd, exit);
    exitFact.nodes.forEach((node) => (node.hidden = !exit));
    const verify = verifyText(task);
    setText(verifyFact.dd, verify);
    verifyFact.nodes.forEach((node) => (node.hidden = !verify));

    const q = task.question;
    question.hidden = !q;
    const key = q ? `${q.seq}\u0000${q.text}` : '';
    if (key !== questionKey) {
      questionKey = key;
      questionForm.replaceChildren(q ? answerForm({ ...task, question: q }, 'task') : '');
    }
    if (q) {
      setText(
        questionLabel,
        q.seq !== null
          ? `Question ${seqLabel(q.seq)}${q.live ? ', the worker is waiting' : ''}`
          : 'The worker stopped waiting for this answer',
      );
      setText(questionText, q.text);
    }

    noteForm.form.hidden = TERMINAL.has(task.state);
    controls.update(task);
    bestOf.update(task, allTasks);
  }

  /** @param {TaskPageDetail} detail */
  function showDetail(detail) {
    setText(planFile, detail.planFile);
    setText(planProblem, detail.planProblem ?? '');
    planProblem.hidden = !detail.planProblem;
    const items = detail.plan?.items ?? [];
    const currentIndex = TERMINAL.has(detail.state)
      ? -1
      : items.find((i) => i.marker !== 'done')?.index;
    const key = JSON.stringify([items, currentIndex]);
    if (key !== planKey) {
      planKey = key;
      planList.replaceChildren(...items.map((item) => planItem(item, item.index === currentIndex)));
    }
    notesList.replaceChildren(
      ...detail.notes.map((text) => el('li', {}, el('blockquote', { text }))),
    );
    noNotes.hidden = detail.notes.length > 0;
    setText(log, detail.logTail.length ? detail.logTail.join('\n') : '(nothing yet)');
    results.update(detail);
  }

  let loading = false;
  let again = false;
  async function load() {
    if (loading) {
      again = true;
      return;
    }
    loading = true;
    try {
      /** @type {TaskPageDetail} */
      const read = await getJson(taskPath(id));
      detail = read;
      missing.hidden = true;
      body.hidden = false;
      facts.hidden = false;
      showStatus(live ?? read);
      showDetail(read);
    } catch (error) {
      const notFound = error instanceof ApiError && error.status === 404;
      body.hidden = notFound;
      facts.hidden = notFound;
      missing.hidden = false;
      missing.replaceChildren(
        el('h2', { text: notFound ? 'No such task' : 'Could not read the task' }),
        el('p', { text: error instanceof Error ? error.message : String(error) }),
        error instanceof ApiError && error.hint ? el('p', { text: error.hint }) : '',
      );
    } finally {
      loading = false;
      if (again) {
        again = false;
        void load();
      }
    }
  }
  void load();

  return {
    render(tasks) {
      allTasks = tasks;
      live = tasks.find((task) => task.id === id);
      if (live && detail) showStatus(live);
    },
    onTaskEvent(event) {
      const eventId =
        event.kind === 'removed' ? event.id : event.kind === 'snapshot' ? undefined : event.task.id;
      if (event.kind === 'snapshot' || eventId === id) void load();
    },
    onOutput(eventId) {
      if (eventId === id) void load();
    },
  };
}

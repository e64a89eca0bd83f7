// @ts-check
// The dashboard page: picks the view from the path, keeps the task list current from the
// server-sent events (one stream, fed by the same file watching as `dispatch watch`).
import { getJson, streamEvents } from './api.js';
import { homePage } from './home-page.js';
import { taskPage } from './task-page.js';
import { announce, refreshElapsedTimes } from './widgets.js';
import { seqLabel } from './format.js';
import { byId } from './dom.js';
/** @import { FeedMessage, Task } from '../page-types.js' */

// The page keeps its session now; take the token or login code out of the address bar, history
// and bookmarks.
const query = new URLSearchParams(location.search);
if (query.has('token') || query.has('login')) {
  history.replaceState(null, '', location.pathname);
}

const app = byId('app');
const connection = byId('connection');
const taskId = /^\/task\/([^/]+)$/.exec(location.pathname)?.[1];
const view = taskId !== undefined ? taskPage(app, decodeURIComponent(taskId)) : homePage(app);

/** @type {Map<string, Task>} */
const tasks = new Map();
let renderQueued = false;
function render() {
  if (renderQueued) return;
  renderQueued = true;
  // A timer rather than an animation frame: a page in a background tab still updates its title.
  setTimeout(() => {
    renderQueued = false;
    const all = [...tasks.values()];
    view.render(all);
    const asking = all.filter((task) => task.question).length;
    document.title = `${asking ? `(${asking}) ` : ''}${document.title.replace(/^\(\d+\) /, '')}`;
  }, 0);
}

/** @param {FeedMessage} event */
function apply(event) {
  switch (event.kind) {
    case 'snapshot':
      // Live only once the tasks are here: until then the page says it is loading them.
      setConnection('Live', true);
      tasks.clear();
      for (const task of event.tasks) tasks.set(task.id, task);
      break;
    case 'removed':
      tasks.delete(event.id);
      break;
    default:
      tasks.set(event.task.id, event.task);
  }
  const q = event.kind === 'question' ? event.task.question : null;
  if (event.kind === 'question' && q) {
    announce(
      `New question from ${event.task.id}${q.seq !== null ? ` (${seqLabel(q.seq)})` : ''}: ${q.text}`,
    );
  } else if (event.kind === 'finished') {
    announce(`${event.task.id} finished: ${event.task.state}.`);
  }
  view.onTaskEvent(event);
  render();
}

/**
 * @param {string} text
 * @param {boolean} ok
 */
function setConnection(text, ok) {
  connection.textContent = text;
  connection.classList.toggle('offline', !ok);
}

streamEvents({
  open: () => setConnection('Loading…', true),
  retrying: () => setConnection('Reconnecting…', false),
  refused: (status) =>
    setConnection(
      status === 403
        ? 'Not signed in: open the URL `dispatch ui` printed in its terminal'
        : 'Disconnected: open the URL `dispatch ui` printed',
      false,
    ),
  event: (name, data) => {
    if (name === 'message') apply(JSON.parse(data));
    // A worker wrote output: a task page showing its log tail fetches it again.
    else if (name === 'output') view.onOutput?.(JSON.parse(data).id);
  },
});

getJson('/api/tasks').then(
  (data) => (byId('project').textContent = data.project),
  () => undefined,
);

// Only elapsed times change with the clock; everything else changes on feed events.
setInterval(() => refreshElapsedTimes(), 1000);

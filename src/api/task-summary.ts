/** The stable JSON shape of a task's status, declared with the operations that return it. */
export { statusJson, type TaskSummary } from '../operations/task-summary.js';

/** Moved to the library API, which the CLI, MCP server and embedders share; kept for old imports. */
export { statusJson } from '../../api/task-summary.js';
export type { TaskSummary as StatusJson } from '../../api/task-summary.js';

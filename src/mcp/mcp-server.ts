import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Dispatcher } from '../api/dispatcher.js';
import { registerDispatchTools } from './dispatch-tools.js';
import { packageVersion, SERVER_INSTRUCTIONS } from './server-info.js';
import { registerTaskResources } from './task-resources.js';

/** An MCP server whose tools and resources are the dispatcher's operations and task files. */
export function createMcpServer(dispatcher: Dispatcher): McpServer {
  const server = new McpServer(
    { name: 'agent-dispatch', title: 'agent-dispatch', version: packageVersion() },
    { instructions: SERVER_INSTRUCTIONS },
  );
  registerDispatchTools(server, dispatcher);
  registerTaskResources(server, dispatcher);
  return server;
}

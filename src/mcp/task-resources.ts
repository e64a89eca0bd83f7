import { ResourceTemplate, type McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { Variables } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import type { Dispatcher } from '../api/dispatcher.js';
import { DispatchError } from '../core/errors.js';
import { TERMINAL_STATES } from '../core/status/state-groups.js';
import { resourceError } from './tool-errors.js';

function variable(variables: Variables, name: string): string {
  const value = variables[name];
  return Array.isArray(value) ? (value[0] ?? '') : (value ?? '');
}

async function taskIds(dispatcher: Dispatcher): Promise<string[]> {
  return (await dispatcher.list()).map((task) => task.id);
}

/**
 * Each task's plan (and, once written, its output) as a markdown resource, so a host can show or
 * attach them: `dispatch://tasks/{id}/plan` and `dispatch://tasks/{id}/output`.
 */
export function registerTaskResources(server: McpServer, dispatcher: Dispatcher): void {
  const complete = { id: () => taskIds(dispatcher) };

  server.registerResource(
    'plan',
    new ResourceTemplate('dispatch://tasks/{id}/plan', {
      list: async () => ({
        resources: (await dispatcher.list()).map((task) => ({
          uri: `dispatch://tasks/${task.id}/plan`,
          name: `${task.id}/plan.md`,
          title: `Plan: ${task.title}`,
          description: `${task.state}, ${task.progress.done}/${task.progress.total} items`,
          mimeType: 'text/markdown',
        })),
      }),
      complete,
    }),
    {
      title: "A task's plan",
      description: 'The checklist plan.md of a task, as it stands now',
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      try {
        const plan = await dispatcher.plan(variable(variables, 'id'));
        if (plan.text === null)
          throw new DispatchError('not-found', `${plan.file} is missing`, {
            hint: 'The worker removed its plan; see dispatch_status and dispatch_logs.',
          });
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: plan.text }] };
      } catch (error) {
        throw resourceError(error);
      }
    },
  );

  server.registerResource(
    'output',
    new ResourceTemplate('dispatch://tasks/{id}/output', {
      list: async () => {
        const resources = [];
        // Workers write output.md at the end: only finished tasks are worth reading for it.
        for (const task of await dispatcher.list()) {
          if (!TERMINAL_STATES.has(task.state)) continue;
          const output = await dispatcher.output(task.id).catch(() => undefined);
          if (output?.text == null) continue;
          resources.push({
            uri: `dispatch://tasks/${task.id}/output`,
            name: `${task.id}/output.md`,
            title: `Output: ${task.title}`,
            mimeType: 'text/markdown',
          });
        }
        return { resources };
      },
      complete,
    }),
    {
      title: "A task's output",
      description: "The worker's summary, output.md, once it has written one",
      mimeType: 'text/markdown',
    },
    async (uri, variables) => {
      try {
        const id = variable(variables, 'id');
        const output = await dispatcher.output(id);
        if (output.text === null)
          throw new DispatchError('not-found', `${id} has no output.md yet`, {
            hint: 'Workers write it at the end; see dispatch_status for progress.',
          });
        return { contents: [{ uri: uri.href, mimeType: 'text/markdown', text: output.text }] };
      } catch (error) {
        throw resourceError(error);
      }
    },
  );
}

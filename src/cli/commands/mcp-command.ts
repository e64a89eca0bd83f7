import { statSync } from 'node:fs';
import { resolve } from 'node:path';
import type { Command } from 'commander';
import { DispatchError } from '../../core/errors.js';
import { serveStdio } from '../../mcp/serve-stdio.js';
import type { CliContext } from '../cli-context.js';

function projectFolder(ctx: CliContext, option: string | undefined): string {
  if (option === undefined) return ctx.cwd;
  const dir = resolve(ctx.cwd, option);
  let isDir = false;
  try {
    isDir = statSync(dir).isDirectory();
  } catch {
    // reported below
  }
  if (!isDir)
    throw new DispatchError('usage', `--cwd ${dir} is not a folder`, {
      hint: 'Point --cwd at the project whose tasks the server should handle.',
    });
  return dir;
}

export function registerMcp(program: Command, ctx: CliContext): void {
  program
    .command('mcp')
    .summary('serve the Model Context Protocol over stdio, for agent hosts')
    .description(
      "Serve MCP over standard input and output: tools to dispatch, list, wait, answer, note, cancel, retry and read logs, and each task's plan and output as resources. An MCP host starts this; it is not for a terminal. Tasks live in the .dispatch/ folder of the project the server starts in (or --cwd).",
    )
    .option('-C, --cwd <dir>', 'the project folder (default: the folder the host starts it in)')
    .addHelpText(
      'after',
      '\nSetup (more in docs/mcp.md):\n  claude mcp add dispatch -- dispatch mcp\n  .cursor/mcp.json: { "mcpServers": { "dispatch": { "command": "dispatch", "args": ["mcp", "--cwd", "${workspaceFolder}"] } } }',
    )
    .action(async (options: { cwd?: string }) => {
      const cwd = projectFolder(ctx, options.cwd);
      // Standard output belongs to the protocol; a person who started it by hand learns why on stderr.
      if (process.stdin.isTTY)
        ctx.err(
          'dispatch mcp speaks the Model Context Protocol on standard input and output; an MCP host starts it (see `dispatch mcp --help`). Press Ctrl-D to stop.',
        );
      await serveStdio({ cwd, env: ctx.env });
    });
}

import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { ErrorCode, McpError } from '@modelcontextprotocol/sdk/types.js';
import { isDispatchError, locatedMessage } from '../core/errors.js';

/** The message and hint of an error, worded as the CLI prints them (location first, hint after). */
export function errorText(error: unknown): string {
  if (isDispatchError(error)) {
    return `Error: ${locatedMessage(error)}${error.hint ? `\n${error.hint}` : ''}`;
  }
  return `Internal error: ${error instanceof Error ? error.message : String(error)}\nThis is a bug in agent-dispatch: please report it with the tool call that caused it.`;
}

/**
 * A failed tool call as the protocol wants it: a result with `isError`, so the host model sees
 * what went wrong and the hint, rather than a protocol error it cannot act on.
 */
export function toolError(error: unknown): CallToolResult {
  return { isError: true, content: [{ type: 'text', text: errorText(error) }] };
}

/** Resource reads have no error result: they fail as a protocol error carrying the same text. */
export function resourceError(error: unknown): McpError {
  if (error instanceof McpError) return error;
  return new McpError(
    isDispatchError(error) ? ErrorCode.InvalidParams : ErrorCode.InternalError,
    errorText(error),
  );
}

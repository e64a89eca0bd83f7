import * as z from 'zod/mini';
import { DispatchError } from '../core/errors.js';
import type { OperationContext } from './operation-context.js';
import { taskRefKind } from './task-fields.js';

/**
 * One user-visible operation: its input and result declared once, as schemas. The interfaces
 * derive their checks from them (MCP tool schemas, dashboard bodies) and map their own syntax
 * (CLI flags) onto the fields; `perform` validates and runs.
 */
export interface Operation<Input extends z.ZodMiniObject, Result> {
  readonly name: string;
  readonly input: Input;
  /** The public result; absent only where the result is a live object (a feed), not data. */
  readonly result: z.ZodMiniType<Result> | undefined;
  readonly run: (
    ctx: OperationContext,
    input: z.output<Input>,
    control: OperationControl,
  ) => Result | Promise<Result>;
}

/** What is not data in a call: a way to stop a long operation, someone to ask. */
export interface OperationControl {
  signal?: AbortSignal;
  /** Asks the user a yes/no question; absent when there is no one to ask (no terminal). */
  confirm?: (question: string) => Promise<boolean>;
}

export function defineOperation<Input extends z.ZodMiniObject, Result>(
  operation: Operation<Input, Result>,
): Operation<Input, Result> {
  return operation;
}

/**
 * An issue in words. Checks declared here carry their own message; for the rest (a wrong type, a
 * value not among the allowed ones) it is said here, so it reads the same whichever copy of zod,
 * with whichever messages, checked it.
 */
function issueText(issue: z.core.$ZodIssue | undefined): string {
  if (!issue) return 'invalid input';
  if (issue.code === 'invalid_value')
    return `must be one of ${issue.values.map((value) => String(value)).join(', ')}`;
  const generic = issue.message.startsWith('Invalid input');
  if (issue.code === 'invalid_type' && (issue.expected !== 'int' || generic))
    return `must be ${issue.expected === 'int' ? 'a whole number' : `a ${issue.expected}`}`;
  return generic ? 'invalid value' : issue.message;
}

/** The first problem with an input, worded like the CLI's other usage errors. */
export function inputError(name: string, error: z.core.$ZodError): DispatchError {
  const issue = error.issues[0];
  const field = issue && issue.path.length > 0 ? issue.path.join('.') : undefined;
  const message = issueText(issue);
  return new DispatchError('usage', field ? `${field}: ${message}` : message, {
    hint: `Correct the ${field ?? 'input'} of ${name} and try again.`,
  });
}

export function parseInput<Input extends z.ZodMiniObject>(
  operation: Operation<Input, unknown>,
  raw: unknown,
): z.output<Input> {
  const parsed = z.safeParse(operation.input, raw);
  if (!parsed.success) throw inputError(operation.name, parsed.error);
  return parsed.data;
}

/**
 * The input with every field that names a task (see `taskId`) resolved to the task's whole id:
 * the one place a unique start of an id is accepted, for every operation and interface. Where
 * several tasks go, a best-of group's id stands for all its runs.
 */
export function resolveTaskRefs<Input extends z.ZodMiniObject>(
  operation: Operation<Input, unknown>,
  ctx: OperationContext,
  input: z.output<Input>,
): z.output<Input> {
  const resolved: Record<string, unknown> = { ...input };
  for (const [key, schema] of Object.entries(operation.input.shape)) {
    const value = resolved[key];
    const kind = taskRefKind(schema as z.ZodMiniType);
    if (kind === 'one' && typeof value === 'string') resolved[key] = ctx.resolveTaskId(value);
    if (kind === 'many' && Array.isArray(value))
      resolved[key] = [...new Set(value.flatMap((ref: string) => ctx.resolveTaskOrGroup(ref)))];
  }
  return resolved as z.output<Input>;
}

/** Validates the input against the operation's declaration, resolves task ids, then runs it. */
export async function perform<Input extends z.ZodMiniObject, Result>(
  operation: Operation<Input, Result>,
  ctx: OperationContext,
  raw: z.input<Input>,
  control: OperationControl = {},
): Promise<Result> {
  const input = resolveTaskRefs(operation, ctx, parseInput(operation, raw));
  return operation.run(ctx, input, control);
}

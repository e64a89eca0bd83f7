/**
 * One error base for everything the program reports to a user. `code` picks the exit code
 * (see cli/exit-codes.ts); `hint` says what to do about it. Expected failures carry the file,
 * line and column they are about so the message can point at the exact place.
 */
export type ErrorCode =
  | 'usage'
  | 'config'
  | 'not-found'
  | 'invalid-id'
  | 'conflict'
  | 'state'
  | 'backend'
  | 'plan'
  | 'timeout'
  | 'io'
  /** A task, folder or key that someone other than the user could have written. */
  | 'untrusted';

export interface SourceLocation {
  file: string;
  line?: number;
  column?: number;
}

export class DispatchError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly location: SourceLocation | undefined;

  constructor(
    code: ErrorCode,
    message: string,
    options: { hint?: string; location?: SourceLocation; cause?: unknown } = {},
  ) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'DispatchError';
    this.code = code;
    this.hint = options.hint;
    this.location = options.location;
  }
}

/** "file:line:col" for a location, as editors and terminals recognise it. */
export function formatLocation(location: SourceLocation): string {
  let text = location.file;
  if (location.line !== undefined) {
    text += `:${location.line}`;
    if (location.column !== undefined) text += `:${location.column}`;
  }
  return text;
}

export function isDispatchError(error: unknown): error is DispatchError {
  return error instanceof DispatchError;
}

/**
 * "file:line:col: message" for an error that has a location (without the file named twice when
 * the message already starts with it), else the message: how every interface words an error.
 */
export function locatedMessage(error: DispatchError): string {
  if (!error.location) return error.message;
  const { file } = error.location;
  if (error.message.startsWith(`${file}:`))
    return `${formatLocation(error.location)}: ${error.message.slice(file.length + 1).trimStart()}`;
  return `${formatLocation(error.location)}: ${error.message}`;
}

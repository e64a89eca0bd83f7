import { isDispatchError, type ErrorCode } from '../../core/errors.js';

/** A refusal with its HTTP status, and what to do about it. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

const STATUS_BY_CODE: Record<ErrorCode, number> = {
  usage: 400,
  'invalid-id': 400,
  plan: 400,
  config: 400,
  'not-found': 404,
  conflict: 409,
  state: 409,
  backend: 502,
  timeout: 504,
  io: 500,
  untrusted: 403,
};

export interface ErrorBody {
  error: string;
  hint: string | null;
}

/** The status and JSON body for any error; undefined for an unexpected one (a bug). */
export function errorResponse(error: unknown): { status: number; body: ErrorBody } | undefined {
  if (error instanceof HttpError)
    return { status: error.status, body: { error: error.message, hint: error.hint ?? null } };
  if (isDispatchError(error))
    return {
      status: STATUS_BY_CODE[error.code],
      body: { error: error.message, hint: error.hint ?? null },
    };
  return undefined;
}

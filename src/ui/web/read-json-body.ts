import type { IncomingMessage } from 'node:http';
import { HttpError } from './http-error.js';

/** Far more than any answer or note needs; enough to refuse a flood early. */
export const MAX_BODY_BYTES = 64 * 1024;

/** Reads a JSON object body; an empty body is `{}`. Refuses other types, oversize and bad JSON. */
export function readJsonBody(
  req: IncomingMessage,
  limit = MAX_BODY_BYTES,
): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    const type = req.headers['content-type'] ?? '';
    const length = Number(req.headers['content-length'] ?? 0);
    if (length > limit) {
      reject(new HttpError(413, `the request body is over ${limit / 1024} KiB`));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > limit) {
        failed = true;
        reject(new HttpError(413, `the request body is over ${limit / 1024} KiB`));
        return;
      }
      chunks.push(chunk);
    });
    req.on('error', (error) => {
      failed = true;
      reject(error);
    });
    req.on('end', () => {
      if (failed) return;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') {
        resolve({});
        return;
      }
      if (!/^application\/json\b/i.test(type)) {
        reject(
          new HttpError(
            415,
            'the request body must be JSON',
            'Send Content-Type: application/json.',
          ),
        );
        return;
      }
      try {
        const value: unknown = JSON.parse(text);
        if (value === null || typeof value !== 'object' || Array.isArray(value))
          throw new Error('not an object');
        resolve(value as Record<string, unknown>);
      } catch {
        reject(new HttpError(400, 'the request body is not a JSON object'));
      }
    });
  });
}

/**
 * Free text that goes into a record (a worker's error line, a cancel reason, a spawn error) is
 * cut where the record is built, so every events.jsonl line stays under 4 KiB and one O_APPEND
 * write lands whole: whatever a worker or a user writes, the record is kept, shortened, with a
 * marker that says how much was cut.
 */

/** The most bytes any one free-text field of an event keeps. */
export const MAX_FIELD_BYTES = 1024;

/** Cuts `text` to at most `maxBytes` UTF-8 bytes (marker included), on a character boundary. */
export function boundText(text: string, maxBytes = MAX_FIELD_BYTES): string {
  const bytes = Buffer.byteLength(text);
  if (bytes <= maxBytes) return text;
  const marker = `… [truncated, ${bytes} bytes]`;
  let keep = Math.max(0, maxBytes - Buffer.byteLength(marker));
  let head = Buffer.from(text).subarray(0, keep).toString('utf8');
  // A cut inside a multi-byte character decodes to U+FFFD: drop it rather than keep a wrong char.
  while (head.endsWith('\uFFFD') && keep > 0)
    head = Buffer.from(text).subarray(0, --keep).toString('utf8');
  return `${head}${marker}`;
}

/**
 * A copy of `record` whose JSON stays under `maxBytes`: the longest string fields are cut until
 * it fits. The last guard before a record is written, for a field its builder did not bound.
 */
export function fitRecord<T extends object>(record: T, maxBytes: number): T {
  const copy = { ...record } as Record<string, unknown>;
  for (let limit = MAX_FIELD_BYTES; Buffer.byteLength(JSON.stringify(copy)) > maxBytes;) {
    const strings = Object.entries(copy).filter(
      (entry): entry is [string, string] => typeof entry[1] === 'string',
    );
    const longest = strings.sort((a, b) => b[1].length - a[1].length)[0];
    if (!longest || Buffer.byteLength(longest[1]) <= 64) break;
    const [key, value] = longest;
    copy[key] = boundText(value, Math.min(limit, Math.floor(Buffer.byteLength(value) / 2)));
    limit = Math.max(64, Math.floor(limit / 2));
  }
  return copy as T;
}

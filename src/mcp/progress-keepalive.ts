import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { ServerNotification, ServerRequest } from '@modelcontextprotocol/sdk/types.js';

const INTERVAL_MS = 15_000;

/**
 * While a long tool call runs, sends a progress notification every 15 s when the client asked for
 * progress (a progressToken), so clients that reset their request timeout on progress keep
 * waiting. Returns the function that stops it.
 */
export function keepAliveWithProgress(
  extra: RequestHandlerExtra<ServerRequest, ServerNotification>,
  message: string,
): () => void {
  const progressToken = extra._meta?.progressToken;
  if (progressToken === undefined) return () => undefined;
  const started = Date.now();
  const timer = setInterval(() => {
    const progress = Math.round((Date.now() - started) / 1000);
    extra
      .sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress, message },
      })
      .catch(() => undefined);
  }, INTERVAL_MS);
  timer.unref();
  return () => clearInterval(timer);
}

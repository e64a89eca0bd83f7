import type { OperationContext } from './operation-context.js';

/**
 * The queue of worker nodes to use: the one given, else DISPATCH_QUEUE, else `queue:` in the
 * config (docs/nodes.md); undefined when none is set, so tasks run on this machine.
 */
export function queueUrlOf(ctx: OperationContext, given: string | undefined): string | undefined {
  return given || ctx.env.DISPATCH_QUEUE || ctx.config().queue || undefined;
}

import type { NodeAdvert } from './worker-node.js';

const names = (value: unknown): string[] =>
  Array.isArray(value) ? value.filter((item): item is string => typeof item === 'string') : [];

/**
 * Why no live node can take a job routed this way (docs/nodes.md, Routing), naming what is
 * missing and what the nodes offer; undefined when a node that is not draining offers it. A job
 * nobody offers still waits on its queue: a node that offers it may start later.
 */
export function missingOffer(
  route: { model: string; capability: string | undefined },
  nodes: readonly NodeAdvert[],
): string | undefined {
  const live = nodes.filter((node) => !node.draining);
  const wanted =
    route.capability !== undefined
      ? `capability ${route.capability.toLowerCase()}`
      : `model ${route.model}`;
  const offers = (node: NodeAdvert) =>
    route.capability !== undefined
      ? names(node.capabilities).includes(route.capability.toLowerCase())
      : names(node.models).includes(route.model);
  if (live.some(offers)) return undefined;
  if (live.length === 0) return `no node offers ${wanted}: no node is live on the queue`;
  const models = [...new Set(live.flatMap((node) => names(node.models)))].sort();
  const capabilities = [...new Set(live.flatMap((node) => names(node.capabilities)))].sort();
  const offered = [
    `models ${models.join(', ') || 'none'}`,
    ...(capabilities.length > 0 ? [`capabilities ${capabilities.join(', ')}`] : []),
  ].join('; ');
  return `no node offers ${wanted} (the nodes offer ${offered})`;
}

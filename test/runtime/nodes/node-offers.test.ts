import { describe, expect, it } from 'vitest';
import { missingOffer } from '../../../src/runtime/nodes/node-offers.js';
import type { NodeAdvert } from '../../../src/runtime/nodes/worker-node.js';

const node = (id: string, models: string[], capabilities: string[] = [], draining = false) =>
  ({ id, models, capabilities, draining }) as unknown as NodeAdvert;

describe('missingOffer', () => {
  const fleet = [node('a', ['sim', 'fast']), node('b', ['sim'], ['research'])];

  it('is undefined when a live node offers the model, alias or capability', () => {
    expect(missingOffer({ model: 'fast', capability: undefined }, fleet)).toBeUndefined();
    expect(missingOffer({ model: 'sim', capability: 'Research' }, fleet)).toBeUndefined();
  });

  it('names what is missing and what the nodes offer', () => {
    expect(missingOffer({ model: 'opus', capability: undefined }, fleet)).toBe(
      'no node offers model opus (the nodes offer models fast, sim; capabilities research)',
    );
    expect(missingOffer({ model: 'sim', capability: 'review' }, fleet)).toContain(
      'no node offers capability review',
    );
  });

  it('does not count a draining node, and says when no node is live', () => {
    expect(
      missingOffer({ model: 'fast', capability: undefined }, [node('a', ['fast'], [], true)]),
    ).toBe('no node offers model fast: no node is live on the queue');
  });
});

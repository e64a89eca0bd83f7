import { setFlagsFromString } from 'node:v8';

/**
 * Caps the young generation of a CLI process already running (`dispatch wait`, started by the
 * user's shell) as `--max-semi-space-size=1` does at start (runtime/process/young-generation.ts):
 * the semi-space size cannot change any more, but V8 reads its growth factor each time it would
 * grow it, so a factor of 1 keeps it at its initial size. `dispatch wait` over 1,000 tasks is
 * about 12 MiB smaller with it.
 */
export function keepYoungGenerationSmall(): void {
  setFlagsFromString('--semi-space-growth-factor=1');
}

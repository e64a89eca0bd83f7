/**
 * `dispatch run` arguments of the simulated task the live-view tests follow: a pause, a question,
 * then a file written (id color-test).
 */
export const COLOR_TEST_RUN: readonly string[] = [
  '--model',
  'sim',
  '--title',
  'Color test',
  '--item',
  'sleep: 1',
  '--item',
  'ask: Which color?',
  '--item',
  'write: color.txt = chosen',
];

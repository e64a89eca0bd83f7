#!/usr/bin/env node
// `npm run faults`: the fault and race tests with trials in the hundreds (FAULT_SUITE=1), then a
// table of what each did: trials, faults injected, anything lost or doubled. Separate from the
// quick `npm test`, which runs the same tests with tens of trials.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const FILES = [
  'test/e2e/kill-trials.test.ts',
  'test/e2e/state-races.test.ts',
  'test/e2e/bounded-records.test.ts',
  'test/e2e/stop-escalation.test.ts',
  'test/e2e/supervisor-heartbeat.test.ts',
  'test/e2e/flooding.test.ts',
];

const dir = mkdtempSync(join(tmpdir(), 'dispatch-faults-'));
const report = join(dir, 'figures.jsonl');
const started = Date.now();
const vitest = (files) =>
  spawnSync('npx', ['vitest', 'run', ...files], {
    stdio: 'inherit',
    env: { ...process.env, FAULT_SUITE: '1', FAULT_REPORT: report },
  });
// The burst of 500 runs alone: it loads the machine enough to slow every other test down.
const runs = [vitest(FILES), vitest(['test/e2e/burst.test.ts'])];
const run = { status: runs.every((r) => r.status === 0) ? 0 : 1 };
const rows = existsSync(report)
  ? readFileSync(report, 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line))
  : [];
rmSync(dir, { recursive: true, force: true });

const header = ['test', 'trials', 'faults injected', 'lost', 'doubled'];
const table = [header, ...rows.map((r) => [r.test, r.trials, r.faults, r.lost, r.doubled])].map(
  (cells) => cells.map(String),
);
const widths = header.map((_, i) => Math.max(...table.map((cells) => cells[i].length)));
const line = (cells) => `| ${cells.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
console.log('');
console.log(line(table[0]));
console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
for (const cells of table.slice(1)) console.log(line(cells));
const total = rows.reduce(
  (sum, r) => ({
    trials: sum.trials + r.trials,
    faults: sum.faults + r.faults,
    bad: sum.bad + r.lost + r.doubled,
  }),
  { trials: 0, faults: 0, bad: 0 },
);
console.log(
  `\n${total.trials} trials, ${total.faults} faults injected, ${total.bad} lost or doubled; ` +
    `${Math.round((Date.now() - started) / 1000)} s; vitest exit ${run.status}`,
);
process.exit(run.status === 0 && total.bad === 0 ? 0 : 1);

// The machine, and the table printed at the end of a run.
import { readFileSync } from 'node:fs';
import os from 'node:os';
import { round } from './stats.mjs';

export function machine() {
  let cpu = os.cpus()[0]?.model ?? 'unknown';
  try {
    cpu = readFileSync('/proc/cpuinfo', 'utf8').match(/^model name\s*:\s*(.+)$/m)?.[1] ?? cpu;
  } catch {
    // not Linux
  }
  return {
    cpu,
    cores: os.cpus().length,
    memoryGiB: round(os.totalmem() / 2 ** 30, 1),
    node: process.version,
    os: `${os.type()} ${os.release()}`,
  };
}

/** Load average now, and whether it means other work shared the cores. */
export function load() {
  const [one, five, fifteen] = os.loadavg().map((v) => round(v, 2));
  return { one, five, fifteen, busy: (one ?? 0) > 0.5 * os.cpus().length };
}

const num = (v) =>
  v === null || v === undefined || Number.isNaN(v)
    ? '–'
    : Math.abs(v) >= 100
      ? String(Math.round(v))
      : String(round(v, Math.abs(v) >= 10 ? 1 : 3));

const cell = (s) => (s ? `${num(s.value)} [${num(s.min)}–${num(s.max)}]` : '–');

/** @param {any[]} figures */
export function table(figures) {
  const head = [
    'figure',
    'stat',
    'unit',
    'ours [min–max]',
    'baseline [min–max]',
    'ratio',
    'target',
    'pass',
  ];
  const rows = figures.map((f) => [
    f.name,
    f.stat,
    f.unit,
    cell(f.ours),
    f.baseline ? `${cell(f.baseline)} ${f.baselineLabel}` : '–',
    f.ratio === null ? '–' : num(f.ratio),
    f.target,
    f.pass ? 'yes' : 'NO',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => String(r[i]).length)));
  const line = (r) => `| ${r.map((c, i) => String(c).padEnd(widths[i])).join(' | ')} |`;
  return [
    line(head),
    `|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`,
    ...rows.map(line),
  ].join('\n');
}

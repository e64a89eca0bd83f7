import { execFileSync } from 'node:child_process';

/** Processes of a group that still run (zombies waiting to be reaped do not count), as ps sees them. */
export function runningInGroup(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,pgid=,stat=,args='], { encoding: 'utf8' });
  return out
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((fields) => Number(fields[1]) === pgid && !(fields[2] ?? '').startsWith('Z'))
    .map((fields) => fields.join(' '));
}

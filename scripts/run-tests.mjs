// `npm test`: makes sure the programs the end-to-end tests drive are there, then runs vitest with
// any arguments given (`npm test -- test/e2e/watch.test.ts`).
//
// The dashboard test drives a real Chromium and the terminal-view test a real tmux; the worktree
// tests need git, the worker node tests redis-server. What is missing is installed with apt-get when this runs as root on a
// Debian-like system (as on CI); otherwise the run stops with one line saying what to install.
// A Chromium somewhere else is found on PATH, or named with DISPATCH_TEST_CHROMIUM.
import { spawnSync } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';

const BROWSERS = ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(delimiter).filter(Boolean)) {
    try {
      accessSync(join(dir, name), constants.X_OK);
      return join(dir, name);
    } catch {
      // not in this folder
    }
  }
  return undefined;
}

function findBrowser() {
  const named = process.env.DISPATCH_TEST_CHROMIUM;
  if (named) return named;
  for (const name of BROWSERS) {
    const found = onPath(name);
    if (found) return found;
  }
  return undefined;
}

/** The Debian packages of what is missing: [package, found?] */
function missing() {
  return [
    ['chromium', findBrowser() !== undefined],
    ['tmux', onPath('tmux') !== undefined],
    ['git', onPath('git') !== undefined],
    ['redis-server', onPath('redis-server') !== undefined],
  ]
    .filter(([, found]) => !found)
    .map(([name]) => name);
}

let absent = missing();
const canInstall = process.getuid?.() === 0 && onPath('apt-get') !== undefined;
if (absent.length > 0 && canInstall) {
  console.error(`npm test: installing ${absent.join(', ')} for the end-to-end tests (apt-get)`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  const quiet = { stdio: ['ignore', 'ignore', 'inherit'], env };
  spawnSync('apt-get', ['update', '-qq'], quiet);
  spawnSync('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...absent], quiet);
  absent = missing();
}
if (absent.length > 0) {
  console.error(
    `npm test: the end-to-end tests need ${absent.join(', ')}; install ${absent.length === 1 ? 'it' : 'them'} (Debian/Ubuntu: sudo apt-get install ${absent.join(' ')})${absent.includes('chromium') ? ', or point DISPATCH_TEST_CHROMIUM at a Chromium or Chrome you have' : ''}, then run npm test again.`,
  );
  process.exit(1);
}

const vitest = join(process.cwd(), 'node_modules', 'vitest', 'vitest.mjs');
const result = spawnSync(process.execPath, [vitest, 'run', ...process.argv.slice(2)], {
  stdio: 'inherit',
  env: { ...process.env, DISPATCH_TEST_CHROMIUM: findBrowser() },
});
process.exit(result.status ?? 1);

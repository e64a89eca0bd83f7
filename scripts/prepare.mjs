// `prepare` builds dist/. In a clone where only the runtime dependencies are installed — which is
// what `npm install -g .` leaves in the folder it links — the build tools are missing, so they are
// installed first (from the lock file's versions, without running any install scripts).
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

// The outer npm's settings (`global`, `prefix`, `omit=dev`) would apply to the inner install too.
const env = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.toLowerCase().startsWith('npm_config_')),
);

function run(args) {
  const result = spawnSync(npm, args, { cwd: root, stdio: 'inherit', env });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

const buildTools = ['typescript', 'esbuild'].every((name) =>
  existsSync(join(root, 'node_modules', name, 'package.json')),
);
if (!buildTools) {
  console.error(
    'agent-dispatch: installing the build tools to build dist/ (npm install --include=dev)',
  );
  run(['install', '--include=dev', '--ignore-scripts', '--no-audit', '--no-fund', '--no-save']);
}
run(['run', 'build']);

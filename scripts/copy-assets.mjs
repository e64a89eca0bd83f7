// Copies the dashboard's static files (HTML, CSS, browser JavaScript) next to the compiled
// server in dist/, which tsc does not do. Run by `npm run build`.
import { cpSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const from = fileURLToPath(new URL('../src/ui/web/assets/', import.meta.url));
const to = fileURLToPath(new URL('../dist/ui/web/assets/', import.meta.url));

rmSync(to, { recursive: true, force: true });
cpSync(from, to, { recursive: true });

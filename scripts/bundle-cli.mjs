// Bundles the CLI's own modules (dist/cli/main.js and everything it imports from dist/) into a
// few files in dist/bundle/, one chunk per lazily loaded command, together with commander, which
// every command needs. Loading a few files instead of a hundred small ones takes a good part off
// every command's start-up.
// Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

// Chunk names carry a content hash: start empty so no chunk of an earlier build stays behind.
rmSync(`${root}dist/bundle`, { recursive: true, force: true });

await build({
  entryPoints: [`${root}dist/cli/main.js`],
  outdir: `${root}dist/bundle`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Loaded only by some commands (mcp, init) or when the config changed (yaml, zod), and shared
  // with the MCP SDK (zod): these stay packages, so there is one copy of each.
  external: [
    '@modelcontextprotocol/sdk',
    '@modelcontextprotocol/sdk/*',
    '@inquirer/select',
    'zod',
    'zod/*',
    'yaml',
    // The queue client of worker nodes loads Lua scripts from its own folder.
    'bullmq',
    'ioredis',
  ],
  entryNames: 'dispatch',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  // Bundled CommonJS packages (commander) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

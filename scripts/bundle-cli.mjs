// Bundles the CLI's own modules (dist/bin/dispatch.js and everything it imports from dist/) into a
// few files in dist/bundle/, one chunk per lazily loaded command, together with commander, which
// every command needs. Loading a few files instead of a hundred small ones takes a good part off
// every command's start-up.
// Run by `npm run build`, after tsc.
import { build } from 'esbuild';
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../', import.meta.url));

// The operations check every command's input with zod/mini: bundled, its few functions load in a
// fraction of the time of the package's files. The full zod (the config schema, the MCP SDK) stays
// a package, loaded only by the commands that need it; esbuild would make every zod/* path
// external along with "zod", hence this exact match. zod 4 reads schemas of either copy, and
// shares its registry of descriptions between them.
const zodMiniBundled = {
  name: 'zod-package-external',
  setup(build) {
    build.onResolve({ filter: /^zod$/ }, (args) => ({ path: args.path, external: true }));
  },
};

// Chunk names carry a content hash: start empty so no chunk of an earlier build stays behind.
rmSync(`${root}dist/bundle`, { recursive: true, force: true });

await build({
  entryPoints: [`${root}dist/bin/dispatch.js`],
  outdir: `${root}dist/bundle`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  // Loaded only by some commands (mcp, init) or when the config changed (yaml, the config
  // schema's zod): these stay packages, shared with the MCP SDK (zod).
  external: [
    '@modelcontextprotocol/sdk',
    '@modelcontextprotocol/sdk/*',
    '@inquirer/select',
    'yaml',
    // The queue client of worker nodes loads Lua scripts from its own folder.
    'bullmq',
    'ioredis',
  ],
  plugins: [zodMiniBundled],
  entryNames: 'dispatch',
  chunkNames: 'chunk-[hash]',
  logLevel: 'warning',
  // Bundled CommonJS packages (commander) call require() for Node's own modules.
  banner: {
    js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
  },
});

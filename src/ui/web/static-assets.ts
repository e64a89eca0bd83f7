import { readFileSync, readdirSync } from 'node:fs';
import { extname, join } from 'node:path';
import { DASHBOARD_ASSETS } from '../../operations/package-info.js';

/** Copied to dist/ by `npm run build` (scripts/copy-assets.mjs). */
export const ASSETS_DIR = DASHBOARD_ASSETS;

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};

export interface Asset {
  type: string;
  body: Buffer;
}

/** Where the page shell receives a new session secret, read by api.js (empty on a plain load). */
export const SESSION_PLACEHOLDER = '__DISPATCH_SESSION__';

/**
 * The dashboard's files, read once at start. Only plain names of known types are served, so no
 * request path ever reaches the file system.
 */
export class StaticAssets {
  private readonly files = new Map<string, Asset>();

  constructor(dir: string = ASSETS_DIR) {
    for (const name of readdirSync(dir)) {
      const type = TYPES[extname(name)];
      if (type && /^[a-z0-9-]+\.[a-z]+$/.test(name))
        this.files.set(name, { type, body: readFileSync(join(dir, name)) });
    }
    if (!this.files.has('index.html'))
      throw new Error(`the dashboard's index.html is missing from ${dir}`);
  }

  get(name: string): Asset | undefined {
    return name === 'index.html' ? undefined : this.files.get(name);
  }

  /** The page shell with a session secret in its meta tag (URL-safe base64, HTML-safe). */
  page(session: string): Asset {
    const shell = this.files.get('index.html') as Asset;
    return {
      type: shell.type,
      body: Buffer.from(shell.body.toString('utf8').replace(SESSION_PLACEHOLDER, session)),
    };
  }
}

import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { DispatchError } from '../core/errors.js';
import { writeFileAtomic } from '../runtime/fs/atomic-write.js';
import { findOnPath } from '../runtime/backends/find-on-path.js';
import { PACKAGE_ROOT } from '../runtime/package-paths.js';
import { findDispatchRoot, RootPaths } from '../runtime/paths.js';

/** Where the skill goes: the user's Claude Code skills (every project) or this project's. */
export type SkillScope = 'global' | 'project';

/** What {@link installSkill} installs where. */
export interface InstallSkillOptions {
  scope: SkillScope;
  /** For `project`: a folder inside the project (its git top or `.dispatch/` root is used). */
  cwd?: string;
  /** `HOME` for `global`, `DISPATCH_ROOT` for `project`. Default: `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Replace installed files that differ from the packaged ones (the old ones are kept as `.bak`). */
  force?: boolean;
}

/** What {@link installSkill} did, file by file. */
export interface InstallSkillResult {
  scope: SkillScope;
  /** The installed skill folder. */
  dir: string;
  files: { path: string; action: 'created' | 'replaced' | 'unchanged' }[];
  /** Copies of replaced files that differed (only with `force`). */
  backups: string[];
  /**
   * The absolute command the installed skill tells the host to run, when `dispatch` is not on
   * PATH (a clone run as `./bin/dispatch`); undefined when the host can call `dispatch` by name.
   */
  absoluteCommand: string | undefined;
}

/** The skill folder shipped in the package. */
export const SKILL_SOURCE = join(PACKAGE_ROOT, 'skills', 'dispatch');

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) =>
    entry.isDirectory() ? listFiles(join(dir, entry.name)) : [join(dir, entry.name)],
  );
}

function readIfExists(path: string): Buffer | undefined {
  try {
    return readFileSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

/** The folder Claude Code reads the skill from, for a scope. */
export function skillTarget(
  scope: SkillScope,
  cwd: string = process.cwd(),
  env: NodeJS.ProcessEnv = process.env,
): string {
  const base =
    scope === 'global' ? env.HOME || homedir() : new RootPaths(findDispatchRoot(cwd, env)).project;
  return join(base, '.claude', 'skills', 'dispatch');
}

/** This program's launcher, when no `dispatch` is on the PATH the host will have. */
function absoluteLauncher(env: NodeJS.ProcessEnv): string | undefined {
  if (findOnPath('dispatch', env)) return undefined;
  const launcher = join(PACKAGE_ROOT, 'bin', 'dispatch');
  return /^[\w./-]+$/.test(launcher) ? launcher : `'${launcher.replace(/'/g, `'\\''`)}'`;
}

/**
 * The skill text for this machine: where `dispatch` is not on PATH, every command it teaches would
 * exit 127 in the host's shell, so a paragraph at the top names the absolute command to run.
 */
function skillFor(data: Buffer, launcher: string | undefined): Buffer {
  if (launcher === undefined) return data;
  const note = `**On this machine \`dispatch\` is not on PATH:** wherever this skill says \`dispatch …\`, run \`${launcher} …\` instead (for example \`${launcher} run --json …\`).\n\n`;
  return Buffer.from(data.toString('utf8').replace(/^(# .*\n\n)/m, `$1${note}`), 'utf8');
}

/**
 * Copies the packaged Claude Code skill (SKILL.md and anything beside it) to where Claude Code
 * finds skills. Files are written atomically. An installed file that differs from the packaged
 * one — edited by hand, or from another version — is never replaced silently: without `force`
 * nothing is written and the error names it.
 */
export function installSkill(options: InstallSkillOptions): InstallSkillResult {
  const dir = skillTarget(options.scope, options.cwd, options.env);
  const launcher = absoluteLauncher(options.env ?? process.env);
  const sources = listFiles(SKILL_SOURCE);
  const plan = sources.map((source) => {
    const target = join(dir, relative(SKILL_SOURCE, source));
    const packaged = readFileSync(source);
    const data = source.endsWith('.md') ? skillFor(packaged, launcher) : packaged;
    return { target, data, existing: readIfExists(target) };
  });
  const differing = plan.filter((file) => file.existing && !file.existing.equals(file.data));
  if (differing.length > 0 && !options.force) {
    throw new DispatchError(
      'conflict',
      `${differing.map((file) => file.target).join(', ')} already exists and differs from the skill this version of agent-dispatch ships`,
      {
        hint: `It may have been edited by hand. Compare it with ${join(SKILL_SOURCE, relative(dir, differing[0]?.target ?? dir))}, then pass --force to replace it (the old copy is kept as .bak).`,
      },
    );
  }
  const files: InstallSkillResult['files'] = [];
  const backups: string[] = [];
  for (const file of plan) {
    if (file.existing?.equals(file.data)) {
      files.push({ path: file.target, action: 'unchanged' });
      continue;
    }
    mkdirSync(dirname(file.target), { recursive: true });
    if (file.existing) {
      writeFileAtomic(`${file.target}.bak`, file.existing);
      backups.push(`${file.target}.bak`);
    }
    writeFileAtomic(file.target, file.data, { mode: 0o644 });
    files.push({ path: file.target, action: file.existing ? 'replaced' : 'created' });
  }
  return { scope: options.scope, dir, files, backups, absoluteCommand: launcher };
}

import { lstatSync, statSync } from 'node:fs';

/**
 * Why a folder may not be trusted: another user owns it (they could plant tasks or swap files),
 * it is writable by group or others (anyone in them could), or it is a symlink (it leads
 * elsewhere; with `followLinks`, where it leads is checked instead). Undefined when it is the user's own and private enough, or does not exist.
 */
export function unsafeFolderReason(
  path: string,
  options: { followLinks?: boolean } = {},
): string | undefined {
  let stats;
  try {
    stats = options.followLinks ? statSync(path) : lstatSync(path);
  } catch {
    return undefined;
  }
  if (stats.isSymbolicLink()) return 'it is a symbolic link';
  if (!stats.isDirectory()) return 'it is not a folder';
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid)
    return `it is owned by another user (uid ${stats.uid})`;
  const writers = [
    ...((stats.mode & 0o020) !== 0 ? ['its group'] : []),
    ...((stats.mode & 0o002) !== 0 ? ['others'] : []),
  ];
  if (writers.length > 0)
    return `it is writable by ${writers.join(' and ')} (mode ${(stats.mode & 0o777).toString(8)})`;
  return undefined;
}

/** Whether the folder exists and belongs to the user running this process. */
export function isOwnFolder(path: string): boolean {
  try {
    const stats = lstatSync(path);
    const uid = process.getuid?.();
    return stats.isDirectory() && (uid === undefined || stats.uid === uid);
  } catch {
    return false;
  }
}

import { utimesSync } from 'node:fs';

/**
 * Marks a task folder as changed in the listing of tasks/, which every watcher of the root sees
 * (inotify reports the folder's new times to the watch on its parent). A supervisor gives back
 * the watches of finished tasks; this is how it learns that one of them has a new attempt.
 */
export function touchTaskFolder(taskDir: string): void {
  const now = new Date();
  try {
    utimesSync(taskDir, now, now);
  } catch {
    // Removed meanwhile: there is nothing left to watch.
  }
}

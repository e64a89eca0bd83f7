/** The tail of each mirror's line of work: the promise the next one waits for. */
const tails = new Map<string, Promise<void>>();

/**
 * Runs `work` on a repository's mirror once every earlier work on it in this node has ended.
 * A node runs several jobs of one repository at once, and git does not take two of these on
 * one repository together: a second `clone --mirror` finds the first one's folder, and a
 * `fetch` reads every worktree's HEAD, so one that runs while another job's `worktree add` or
 * `worktree remove` is half done fails with "bad object worktrees/…/HEAD".
 */
export async function withMirror<T>(mirror: string, work: () => Promise<T>): Promise<T> {
  const before = tails.get(mirror) ?? Promise.resolve();
  let release = () => undefined as void;
  const mine = new Promise<void>((resolve) => (release = resolve));
  const tail = before.then(() => mine);
  tails.set(mirror, tail);
  await before;
  try {
    return await work();
  } finally {
    release();
    if (tails.get(mirror) === tail) tails.delete(mirror);
  }
}

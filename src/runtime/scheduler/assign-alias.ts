import type { Config } from '../../core/config/config-types.js';
import { resolveModel } from '../../core/config/resolve-model.js';
import { buildWorkerPrompt } from '../../core/prompt/worker-prompt.js';
import type { TaskMeta } from '../../core/task/task-meta.js';
import { writeFileAtomic } from '../fs/atomic-write.js';
import { assertTrusted, signTask } from '../trust/task-trust.js';
import type { TaskStore } from '../store/task-store.js';
import { displayArgv, modelFields } from '../tasks/model-fields.js';
import { DISPATCH_COMMAND } from '../package-paths.js';

/**
 * A task dispatched by capability gets its alias when it starts: the scheduler picks one with a
 * free slot, and this writes that choice into task.json (and the alias's instructions into
 * prompt.md) just before the launch, under the scheduler lock. Each file is replaced atomically,
 * and both are rewritten again if the launch is retried, so an interruption leaves a queued task
 * that the next pass assigns anew. The `spawned` event then records the model that ran.
 */
export function assignAlias(
  store: TaskStore,
  config: Config,
  meta: TaskMeta,
  alias: string,
): TaskMeta {
  const files = store.files(meta.id);
  // Re-signed below: only a record that was the user's own may be.
  assertTrusted(meta.id, files, meta, [], 'start', store.env);
  const fields = modelFields(resolveModel(config, { explicit: alias }));
  const { alias: _oldAlias, aliasPrompt: _oldPrompt, isolate: _oldIsolate, ...rest } = meta;
  const updated: TaskMeta = signTask(
    { ...rest, ...fields, argv: displayArgv(fields, '<prompt.md>') },
    store.env,
  );
  const prompt = buildWorkerPrompt({
    id: meta.id,
    title: meta.title,
    paths: files,
    request: meta.request,
    aliasPrompt: updated.aliasPrompt,
    fallbackMinutes: meta.fallbackMinutes ?? config.fallbackMinutes,
    dispatchCommand: DISPATCH_COMMAND,
    askSliceSeconds: meta.askSliceSeconds,
    backendType: updated.backendType,
  });
  writeFileAtomic(files.prompt(1), prompt, { mode: 0o600 });
  writeFileAtomic(files.meta, `${JSON.stringify(updated, null, 2)}\n`, { mode: 0o600 });
  return updated;
}

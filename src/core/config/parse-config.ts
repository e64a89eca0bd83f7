import {
  LineCounter,
  isMap,
  isScalar,
  parseDocument,
  type Document,
  type Node as YamlNode,
  type YAMLError,
} from 'yaml';
import type { z } from 'zod';
import { DispatchError, type SourceLocation } from '../errors.js';
import { inferBackendType, inferModelBackend } from './backend-inference.js';
import {
  newConfigSchema,
  oldConfigSchema,
  type NewConfigInput,
  type OldConfigInput,
} from './config-schema.js';
import {
  SIM_BACKEND,
  SIM_MODEL,
  type AliasConfig,
  type BackendConfig,
  type Config,
  type ModelConfig,
  type NotifyConfig,
} from './config-types.js';

import { addSim, emptyConfig } from './builtin-config.js';
import { AGENT_BACKENDS, backendFor } from '../backends/backend-registry.js';
import { unclosedConstructBefore } from './unclosed-construct.js';

const MAX_ALIAS_COUNT = 100;

export { builtinConfig } from './builtin-config.js';

const FIX_HINT =
  'Fix the file, or run `dispatch config path` to see which file is used and `dispatch init` to write a fresh one.';

/**
 * Parses and validates a config file's text. Every problem is a DispatchError naming the file,
 * line and column, with the expected value and how to fix it.
 */
export function parseConfig(text: string, file: string): Config {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, prettyErrors: false, uniqueKeys: true });
  const yamlError = doc.errors[0];
  if (yamlError) throw yamlSyntaxError(text, file, yamlError, lineCounter);
  const raw = toPlainData(doc, file);
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new DispatchError(
      'config',
      `${file}: the top level must be a mapping of keys (default, backends, models, aliases)`,
      {
        location: { file, line: 1, column: 1 },
        hint: FIX_HINT,
      },
    );
  }
  const isOld = 'agents' in raw;
  const schema = isOld ? oldConfigSchema : newConfigSchema;
  const result = schema.safeParse(raw);
  if (!result.success) throw schemaError(result.error, doc, lineCounter, file);
  const config = isOld
    ? normalizeOld(result.data as OldConfigInput, file)
    : normalizeNew(result.data as NewConfigInput, file, doc, lineCounter);
  applyCommon(config, result.data);
  addSim(config);
  checkIsolation(config, doc, lineCounter, file);
  checkDefault(config, doc, lineCounter);
  return config;
}

const YAML_HINT =
  'Check the indentation and quoting there (a command containing ": " or "#" needs quotes, and every [ { " needs its closing match).';

/**
 * Names where the parser stopped and, when the error is about a bracket, brace or quote left
 * open, where that was opened: the location points at the opening, the message at both.
 */
function yamlSyntaxError(
  text: string,
  file: string,
  error: YAMLError,
  lineCounter: LineCounter,
): DispatchError {
  // pos (character offsets) is always set, linePos only with prettyErrors. Some errors (a
  // duplicate key after an empty value) start at the line break before the key: skip it.
  let offset = error.pos[0];
  while (text[offset] === '\n' || text[offset] === '\r') offset++;
  const stop = lineCounter.linePos(offset);
  const reason = firstLine(error.message);
  const opened = unclosedConstructBefore(text, offset);
  if (!opened) {
    return new DispatchError('config', `${file}: not valid YAML: ${reason}`, {
      location: { file, line: stop.line, column: stop.col },
      hint: YAML_HINT,
    });
  }
  const start = lineCounter.linePos(opened.offset);
  return new DispatchError(
    'config',
    `${file}: not valid YAML: ${opened.what} at line ${start.line}, column ${start.col} is not closed (the parser stopped at line ${stop.line}, column ${stop.col}: ${reason})`,
    { location: { file, line: start.line, column: start.col }, hint: YAML_HINT },
  );
}

/**
 * Aliases make a small file expand to an enormous value ("billion laughs"); the YAML library
 * stops at a limit and throws, which becomes a config error like any other.
 */
function toPlainData(doc: Document, file: string): unknown {
  try {
    return doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT }) ?? {};
  } catch (error) {
    const reason = firstLine((error as Error).message);
    const bomb = /alias count/i.test(reason);
    throw new DispatchError(
      'config',
      bomb
        ? `${file}: its YAML aliases (*name) expand beyond ${MAX_ALIAS_COUNT} uses, which is refused (a small file must not expand into an enormous one)`
        : `${file}: ${reason}`,
      {
        location: { file },
        hint: bomb ? 'Write the values out instead of repeating aliases.' : FIX_HINT,
      },
    );
  }
}

function firstLine(message: string): string {
  return message.split('\n')[0] ?? message;
}

function locate(
  doc: Document,
  lineCounter: LineCounter,
  path: readonly PropertyKey[],
  file: string,
  preferKey = false,
): SourceLocation {
  for (let depth = path.length; depth >= 0; depth--) {
    const sub = path.slice(0, depth).map(String);
    const valueNode = (depth === 0 ? doc.contents : doc.getIn(sub, true)) as
      YamlNode | null | undefined;
    // A wrong value points at the value; a wrong or missing key at the key ("comand:").
    const keyNode = depth > 0 ? findKeyNode(doc, sub) : undefined;
    const target = preferKey ? (keyNode ?? valueNode) : (valueNode ?? keyNode);
    const offset = target?.range?.[0];
    if (offset !== undefined) {
      const pos = lineCounter.linePos(offset);
      return { file, line: pos.line, column: pos.col };
    }
  }
  return { file, line: 1, column: 1 };
}

function findKeyNode(doc: Document, path: string[]): YamlNode | undefined {
  const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
  if (!isMap(parent)) return undefined;
  const last = path[path.length - 1];
  const pair = parent.items.find((item) => isScalar(item.key) && String(item.key.value) === last);
  return pair && isScalar(pair.key) ? pair.key : undefined;
}

type Issue = z.ZodError['issues'][number];

/**
 * A union error whose value has the shape of exactly one branch (a mapping where a command string
 * or a mapping is allowed) is really that branch's error: report it, so a typo such as `comand:`
 * comes out as "unknown key comand" at its own line instead of "wrong shape".
 */
function unwrapUnion(issue: Issue): Issue {
  if (issue.code !== 'invalid_union') return issue;
  const fitting = issue.errors.filter(
    (branch) => !branch.some((i) => i.code === 'invalid_type' && i.path.length === 0),
  );
  const branch = fitting.length === 1 ? fitting[0] : undefined;
  const inner = branch?.find((i) => i.code === 'unrecognized_keys') ?? branch?.[0];
  return inner ? unwrapUnion({ ...inner, path: [...issue.path, ...inner.path] } as Issue) : issue;
}

function schemaError(
  error: z.ZodError,
  doc: Document,
  lineCounter: LineCounter,
  file: string,
): DispatchError {
  const first = error.issues[0];
  const issue = first && unwrapUnion(first);
  if (!issue)
    return new DispatchError('config', `${file} is not a valid config`, { hint: FIX_HINT });
  const path = issue.path.map(String);
  const where = path.length > 0 ? path.join('.') : 'the top level';
  let message: string;
  let hint = FIX_HINT;
  if (issue.code === 'unrecognized_keys') {
    const keys = issue.keys.join(', ');
    const allowed = allowedKeys(path);
    message = `${file}: unknown key ${keys} in ${where}`;
    hint = allowed ? `Allowed keys here: ${allowed}. Check the spelling.` : FIX_HINT;
    return new DispatchError('config', message, {
      location: locate(doc, lineCounter, [...path, issue.keys[0] ?? ''], file, true),
      hint,
    });
  }
  if (issue.code === 'invalid_union') {
    message = `${file}: ${where} has the wrong shape: ${unionExpectation(path)}`;
  } else {
    message = `${file}: ${where}: ${issue.message}`;
  }
  return new DispatchError('config', message, {
    location: locate(doc, lineCounter, path, file),
    hint,
  });
}

function allowedKeys(path: string[]): string | undefined {
  if (path.length === 0)
    return 'default, backends, models, aliases, max_parallel, queue, max_node_tasks, fleet_limits, timeout_minutes, stop_on_timeout, fallback_minutes, ask_slice_seconds, verify_timeout_minutes, daily_budget, notify (or the old format: default, agents)';
  const [section] = path;
  if (section === 'fleet_limits') return 'max_parallel, rate_limit';
  if (section === 'backends' || section === 'agents') return 'command, type, isolate, max_parallel';
  if (section === 'models') return 'backend, id';
  if (section === 'aliases')
    return 'model, prompt, capabilities, max_parallel, isolate, verify, max_cost_usd, max_tokens';
  if (section === 'daily_budget') return 'cost_usd, tokens';
  if (section === 'notify') return 'desktop, question, completed, failed, timed-out, cancelled';
  return undefined;
}

function unionExpectation(path: string[]): string {
  const [section] = path;
  if (section === 'backends' || section === 'agents')
    return 'expected a command string, or a mapping with `command:` (and optional `type:`, `isolate:`, `max_parallel:`)';
  if (section === 'models')
    return 'expected a mapping such as `{ backend: claude }` (optionally with `id:`), a backend name, or nothing';
  if (section === 'aliases')
    return 'expected a model name, or a mapping with `model:` (and optional `prompt:`, `capabilities:`, `max_parallel:`, `isolate:`)';
  return 'see docs/config.md for the expected form';
}

function toBackend(
  name: string,
  value:
    | string
    | { command: string; type?: BackendConfig['type']; isolate?: boolean; max_parallel?: number },
): BackendConfig {
  const command = withoutExec(typeof value === 'string' ? value : value.command);
  const explicit = typeof value === 'string' ? undefined : value.type;
  const backend: BackendConfig = { name, command, type: inferBackendType(name, command, explicit) };
  if (typeof value !== 'string' && value.isolate !== undefined) backend.isolate = value.isolate;
  const limit = typeof value === 'string' ? undefined : value.max_parallel;
  const fallback = backendFor(backend.type).defaultMaxParallel;
  if (limit !== undefined) backend.maxParallel = limit;
  else if (fallback !== undefined) {
    backend.maxParallel = fallback;
    backend.maxParallelDefault = true;
  }
  return backend;
}

/** `isolate: true` on a backend whose CLI has no isolated home to offer is a config error. */
function checkIsolation(
  config: Config,
  doc: Document,
  lineCounter: LineCounter,
  file: string,
): void {
  const offering = AGENT_BACKENDS.filter((b) => b.isolation).map((b) => b.type);
  const refuse = (path: string[], who: string, backend: BackendConfig) =>
    new DispatchError(
      'config',
      `${file}: ${who} sets isolate: true, but backend "${backend.name}" (${backend.type}) has no isolated home to offer`,
      {
        location: locate(doc, lineCounter, path, file),
        hint: `Isolation is available for these kinds of backend: ${offering.join(', ')}. Remove isolate: there.`,
      },
    );
  for (const backend of Object.values(config.backends))
    if (backend.isolate && !backendFor(backend.type).isolation)
      throw refuse(['backends', backend.name, 'isolate'], `backend "${backend.name}"`, backend);
  for (const alias of Object.values(config.aliases)) {
    const model = config.models[alias.model];
    const backend = model && config.backends[model.backend];
    if (alias.isolate && backend && !backendFor(backend.type).isolation)
      throw refuse(['aliases', alias.name, 'isolate'], `alias "${alias.name}"`, backend);
  }
}

/**
 * A leading `exec` (habit from shell scripts) would replace the wrapper that records the
 * worker's exit status, and would be taken for the program: the command runs the same without it.
 */
function withoutExec(command: string): string {
  return command.trim().replace(/^exec\s+(?=[^-\s])/, '');
}

function normalizeOld(input: OldConfigInput, file: string): Config {
  const config = emptyConfig(file, 'old');
  for (const [name, value] of Object.entries(input.agents)) {
    config.backends[name] = toBackend(name, value);
    config.models[name] = { name, backend: name, id: name, passModel: false };
  }
  return config;
}

function normalizeNew(
  input: NewConfigInput,
  file: string,
  doc: Document,
  lineCounter: LineCounter,
): Config {
  const config = emptyConfig(file, 'new');
  for (const [name, value] of Object.entries(input.backends ?? {}))
    config.backends[name] = toBackend(name, value);
  const backendNames = Object.keys(config.backends);
  for (const [name, value] of Object.entries(input.models ?? {})) {
    const spec = value === null ? {} : typeof value === 'string' ? { backend: value } : value;
    const id = spec.id ?? name;
    const backend = spec.backend ?? inferModelBackend(id, backendNames);
    if (!backend) {
      throw new DispatchError(
        'config',
        `${file}: model "${name}" names no backend and none can be inferred`,
        {
          location: locate(doc, lineCounter, ['models', name], file),
          hint: `Add \`backend:\` to it, one of: ${backendNames.join(', ') || '(no backends configured — add a backends: section)'}.`,
        },
      );
    }
    if (!config.backends[backend] && backend !== SIM_BACKEND) {
      throw new DispatchError(
        'config',
        `${file}: model "${name}" uses backend "${backend}", which is not configured`,
        {
          location: locate(doc, lineCounter, ['models', name, 'backend'], file),
          hint: `Configured backends: ${backendNames.join(', ') || '(none)'}. Add it under backends: or pick one of those.`,
        },
      );
    }
    const model: ModelConfig = { name, backend, id, passModel: true };
    config.models[name] = model;
  }
  for (const [name, value] of Object.entries(input.aliases ?? {})) {
    const spec = typeof value === 'string' ? { model: value } : value;
    const alias: AliasConfig = {
      name,
      model: spec.model,
      prompt: 'prompt' in spec ? spec.prompt : undefined,
      capabilities: 'capabilities' in spec ? (spec.capabilities ?? []) : [],
      maxParallel: 'max_parallel' in spec ? spec.max_parallel : undefined,
      ...('isolate' in spec && spec.isolate !== undefined ? { isolate: spec.isolate } : {}),
      verify: 'verify' in spec ? spec.verify : undefined,
      ...('max_cost_usd' in spec && spec.max_cost_usd !== undefined
        ? { maxCostUsd: spec.max_cost_usd }
        : {}),
      ...('max_tokens' in spec && spec.max_tokens !== undefined
        ? { maxTokens: spec.max_tokens }
        : {}),
    };
    if (!config.models[alias.model] && alias.model !== SIM_MODEL) {
      throw new DispatchError(
        'config',
        `${file}: alias "${name}" points to model "${alias.model}", which is not configured`,
        {
          location: locate(doc, lineCounter, ['aliases', name, 'model'], file),
          hint: `Configured models: ${Object.keys(config.models).join(', ') || '(none)'}.`,
        },
      );
    }
    config.aliases[name] = alias;
  }
  return config;
}

function applyCommon(config: Config, input: NewConfigInput | OldConfigInput): void {
  config.default = input.default;
  config.maxParallel = input.max_parallel;
  config.queue = input.queue;
  if (input.max_node_tasks !== undefined) config.maxNodeTasks = input.max_node_tasks;
  for (const [name, limit] of Object.entries(input.fleet_limits ?? {}))
    config.fleetLimits[name] = {
      maxParallel: limit.max_parallel,
      rateLimit: limit.rate_limit === undefined ? undefined : parseRate(limit.rate_limit),
    };
  if (input.timeout_minutes !== undefined) config.timeoutMinutes = input.timeout_minutes;
  if (input.stop_on_timeout !== undefined) config.stopOnTimeout = input.stop_on_timeout;
  if (input.fallback_minutes !== undefined) config.fallbackMinutes = input.fallback_minutes;
  if (input.ask_slice_seconds !== undefined) config.askSliceSeconds = input.ask_slice_seconds;
  if (input.verify_timeout_minutes !== undefined)
    config.verifyTimeoutMinutes = input.verify_timeout_minutes;
  const daily = input.daily_budget;
  if (daily && (daily.cost_usd !== undefined || daily.tokens !== undefined))
    config.dailyBudget = {
      ...(daily.cost_usd !== undefined ? { costUsd: daily.cost_usd } : {}),
      ...(daily.tokens !== undefined ? { tokens: daily.tokens } : {}),
    };
  const notify: NotifyConfig = { desktop: input.notify?.desktop ?? false, hooks: {} };
  for (const event of ['question', 'completed', 'failed', 'timed-out', 'cancelled'] as const) {
    const hook = input.notify?.[event];
    if (hook) notify.hooks[event] = hook;
  }
  config.notify = notify;
}

const RATE_UNITS: Record<string, number> = { second: 1000, minute: 60_000, hour: 3_600_000 };

/** `30/minute` → 30 per 60000 ms; `10/90s` → 10 per 90000 ms (the schema checked the form). */
function parseRate(text: string): { max: number; durationMs: number } {
  const [count = '', unit = ''] = text.split('/').map((part) => part.trim());
  return { max: Number(count), durationMs: RATE_UNITS[unit] ?? Number(unit.slice(0, -1)) * 1000 };
}

function checkDefault(config: Config, doc: Document, lineCounter: LineCounter): void {
  const name = config.default;
  if (name === undefined || config.models[name] || config.aliases[name]) return;
  const file = config.file ?? 'config';
  const known = [...Object.keys(config.models), ...Object.keys(config.aliases)];
  throw new DispatchError(
    'config',
    `${file}: default "${name}" is not a configured model or alias`,
    {
      location: locate(doc, lineCounter, ['default'], file),
      hint: `Set default to one of: ${known.join(', ')}.`,
    },
  );
}

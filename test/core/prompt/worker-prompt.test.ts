import { describe, expect, it } from 'vitest';
import { ASK_AGAIN_EXIT_CODE } from '../../../src/core/ipc/ask-wait.js';
import {
  buildResumePrompt,
  buildWorkerPrompt,
  formatDuration,
  workerInstructions,
  type ResumeInput,
  type WorkerPromptInput,
} from '../../../src/core/prompt/worker-prompt.js';

const TASK_DIR = '/home/user/project/.dispatch/tasks/security-review';

const INPUT: WorkerPromptInput = {
  id: 'security-review',
  title: 'Security review',
  paths: {
    taskDir: TASK_DIR,
    plan: `${TASK_DIR}/plan.md`,
    ipc: `${TASK_DIR}/ipc`,
    output: `${TASK_DIR}/output.md`,
    context: `${TASK_DIR}/context.md`,
  },
  request: 'Review the auth module for security problems.',
  fallbackMinutes: 3,
};

describe('formatDuration', () => {
  it.each([
    [3, '3 minutes'],
    [2, '2 minutes'],
    [30, '30 minutes'],
    [2.5, '2.5 minutes'],
    [1.5, '90 seconds'],
    [1, '60 seconds'],
    [0.5, '30 seconds'],
    [0.05, '3 seconds'],
    [1 / 60, '1 second'],
  ])('%d minutes → %s', (minutes, text) => {
    expect(formatDuration(minutes)).toBe(text);
  });

  it('never rounds a short wait down to nothing', () => {
    expect(formatDuration(0.0001)).not.toMatch(/^0 /);
  });
});

describe('workerInstructions', () => {
  const text = workerInstructions(INPUT);

  it('names the absolute plan, IPC, output and context paths', () => {
    expect(text).toContain(`Plan file: ${TASK_DIR}/plan.md`);
    expect(text).toContain(`IPC folder: ${TASK_DIR}/ipc`);
    expect(text).toContain(`Output file: ${TASK_DIR}/output.md`);
    expect(text).toContain(`Context file: ${TASK_DIR}/context.md`);
  });

  it('explains all four markers', () => {
    expect(text).toContain('"[ ]" to "[x]"');
    expect(text).toContain('"[?]"');
    expect(text).toContain('"[!]"');
  });

  it('tells the worker to change only the marker and to read dispatcher notes', () => {
    expect(text).toMatch(/Change only that marker and keep every other line/);
    expect(text).toContain('> **Note from dispatcher:**');
  });

  it('describes the question protocol with atomic writes', () => {
    expect(text).toContain('three digits from 001');
    expect(text).toContain('NNN.question.tmp');
    expect(text).toContain('rename it to NNN.question');
    expect(text).toContain('never write the final name directly');
    expect(text).toContain('NNN.answer');
    expect(text).toContain('write NNN.done the same way (temp file, then rename)');
  });

  it('gives the fallback with its duration and the context file', () => {
    expect(text).toContain('If no answer comes within 3 minutes');
    expect(text).toMatch(
      /context file, mark the item "\[\?\]" with the question on the following line/,
    );
    expect(text).toMatch(/and exit/);
    expect(workerInstructions({ ...INPUT, fallbackMinutes: 0.5 })).toContain(
      'If no answer comes within 30 seconds',
    );
  });

  it('asks for the completion marker, written atomically', () => {
    expect(text).toContain('an empty file named .done in the IPC folder');
    expect(text).toContain('write .done.tmp, then rename it to .done');
    expect(text).toContain('output file');
  });

  it('leaves out the dispatch ask shortcut when no dispatch command is given', () => {
    expect(text).not.toContain('dispatch ask');
  });

  it('offers the dispatch ask shortcut, with its full path and the same duration', () => {
    const withAsk = workerInstructions({
      ...INPUT,
      dispatchCommand: '/usr/lib/node_modules/agent-dispatch/bin/dispatch',
      fallbackMinutes: 1.5,
    });
    expect(withAsk).toContain('run `dispatch ask "your question"`');
    // A login shell may reset PATH (Codex runs its tools in one): the full path still works.
    expect(withAsk).toContain(
      'if `dispatch` is not found, run `/usr/lib/node_modules/agent-dispatch/bin/dispatch ask "your question"`',
    );
    expect(withAsk).toContain('no answer came within 90 seconds: follow step 5');
    // One run waits a slice; the status that says "run it again" is named.
    expect(withAsk).toContain('One run waits at most 90 seconds.');
    expect(withAsk).toContain(`Exit status ${ASK_AGAIN_EXIT_CODE} means no answer yet`);
    expect(withAsk).not.toContain('`timeout`');
    // The file protocol is still described in full.
    expect(withAsk).toContain('NNN.question.tmp');
  });

  it('tells Claude Code and opencode to give their shell tool a timeout longer than the slice', () => {
    const ask = { ...INPUT, dispatchCommand: '/bin/dispatch', askSliceSeconds: 100 };
    expect(workerInstructions({ ...ask, backendType: 'claude' })).toContain(
      'One run waits at most 100 seconds. Give the Bash tool a `timeout` of 130000 (milliseconds, at most 600000) for it.',
    );
    expect(workerInstructions({ ...ask, backendType: 'opencode' })).toContain(
      'Give the bash tool a `timeout` of 130000 (milliseconds) for it.',
    );
    // A slice longer than Claude Code allows is capped at its maximum.
    expect(workerInstructions({ ...ask, backendType: 'claude', askSliceSeconds: 900 })).toContain(
      'a `timeout` of 600000',
    );
    expect(workerInstructions({ ...ask, backendType: 'codex' })).not.toContain('`timeout`');
  });

  it('numbers its steps 1 to 8 in order', () => {
    const steps = [...text.matchAll(/^(\d)\. /gm)].map((m) => Number(m[1]));
    expect(steps).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('uses paths with spaces and unicode as they are', () => {
    const dir = '/Users/Zoë Smith/my project/.dispatch/tasks/t';
    const spaced = workerInstructions({
      ...INPUT,
      paths: {
        taskDir: dir,
        plan: `${dir}/plan.md`,
        ipc: `${dir}/ipc`,
        output: `${dir}/output.md`,
        context: `${dir}/context.md`,
      },
    });
    expect(spaced).toContain(`Plan file: ${dir}/plan.md`);
    expect(spaced).toContain(`IPC folder: ${dir}/ipc`);
  });
});

describe('buildWorkerPrompt', () => {
  it('adds the task title, id and the request after the instructions', () => {
    const prompt = buildWorkerPrompt(INPUT);
    expect(prompt.startsWith(workerInstructions(INPUT))).toBe(true);
    expect(prompt).toContain('Task: Security review (id security-review)');
    expect(prompt).toContain(
      'Request from the user:\nReview the auth module for security problems.',
    );
    expect(prompt.endsWith('\n')).toBe(true);
    expect(prompt.endsWith('\n\n')).toBe(false);
  });

  it('leaves out an empty request', () => {
    const prompt = buildWorkerPrompt({ ...INPUT, request: '  \n ' });
    expect(prompt).not.toContain('Request from the user');
    expect(prompt.endsWith('Task: Security review (id security-review)\n')).toBe(true);
  });

  it('adds the alias prompt last, trimmed', () => {
    const prompt = buildWorkerPrompt({
      ...INPUT,
      aliasPrompt: '  Review only; do not change files.\n',
    });
    expect(prompt.endsWith('\n\nReview only; do not change files.\n')).toBe(true);
    expect(buildWorkerPrompt({ ...INPUT, aliasPrompt: '   ' })).toBe(buildWorkerPrompt(INPUT));
  });

  it('keeps a multi-line title on the Task line', () => {
    const prompt = buildWorkerPrompt({ ...INPUT, title: 'Security\n  review\r\nnow' });
    expect(prompt).toContain('Task: Security review now (id security-review)');
  });

  it('keeps a multi-line request with shell characters as it is', () => {
    const request =
      'Fix `rm -rf $HOME` in "scripts/clean.sh";\nthen run $(make test) && echo \'ok\'';
    expect(buildWorkerPrompt({ ...INPUT, request })).toContain(request);
  });
});

describe('buildResumePrompt', () => {
  const RESUME: ResumeInput = {
    ...INPUT,
    planText:
      '# Security review\n\n- [x] Scan for secrets\n- [?] Review auth\n  auth.ts or legacy-auth.ts?\n',
    contextText: 'Scanned 42 files; auth.ts looks unused.\n',
    answer: { question: 'auth.ts or legacy-auth.ts?', text: 'Both, legacy first.' },
    previousFailure: undefined,
  };

  it('starts with the normal worker prompt', () => {
    const prompt = buildResumePrompt(RESUME);
    expect(prompt.startsWith(buildWorkerPrompt(INPUT).trimEnd())).toBe(true);
    expect(prompt).toContain(`Plan file: ${TASK_DIR}/plan.md`);
  });

  it('says to continue without redoing checked items', () => {
    expect(buildResumePrompt(RESUME)).toContain('items marked [x] are done, do not redo them');
  });

  it('carries the question and the answer, and says to unblock the item', () => {
    const prompt = buildResumePrompt(RESUME);
    expect(prompt).toMatch(/The earlier worker asked:[\s<]*auth\.ts or legacy-auth\.ts\?/);
    expect(prompt).toMatch(/The user answered:[\s<]*Both, legacy first\./);
    expect(prompt.indexOf('The earlier worker asked')).toBeLessThan(
      prompt.indexOf('The user answered'),
    );
    expect(prompt).toContain('Change the blocked "[?]" item back to "[ ]"');
  });

  it('keeps a multi-line answer whole', () => {
    const text = 'Both.\nStart with legacy-auth.ts,\nthen auth.ts.';
    const prompt = buildResumePrompt({ ...RESUME, answer: { question: 'q?', text } });
    expect(prompt).toContain(text);
  });

  it('carries the context file between markers', () => {
    expect(buildResumePrompt(RESUME)).toContain(
      "The earlier worker's notes (context file):\n<<<\nScanned 42 files; auth.ts looks unused.\n>>>",
    );
  });

  it('carries the plan as it stands, last', () => {
    const prompt = buildResumePrompt(RESUME);
    expect(
      prompt.endsWith(`The plan as it stands:\n<<<\n${RESUME.planText.trimEnd()}\n>>>\n`),
    ).toBe(true);
  });

  it('leaves out the answer and the context when there are none', () => {
    const prompt = buildResumePrompt({ ...RESUME, answer: undefined, contextText: undefined });
    expect(prompt).not.toContain('The user answered');
    expect(prompt).not.toContain('context file):');
    expect(buildResumePrompt({ ...RESUME, contextText: '  \n' })).not.toContain('context file):');
    expect(prompt).toContain('The plan as it stands:');
  });

  it('says why the earlier worker stopped, for a retry', () => {
    const prompt = buildResumePrompt({
      ...RESUME,
      answer: undefined,
      previousFailure: 'worker killed by SIGKILL; 1 of 2 items unfinished',
    });
    expect(prompt).toContain(
      'The earlier worker stopped because: worker killed by SIGKILL; 1 of 2 items unfinished',
    );
  });

  it('puts the failure, the answer, the context and the plan in that order', () => {
    const prompt = buildResumePrompt({ ...RESUME, previousFailure: 'exit 1' });
    const order = [
      'stopped because',
      'The user answered',
      "worker's notes",
      'The plan as it stands',
    ].map((s) => prompt.indexOf(s));
    expect(order.every((position) => position > 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('keeps CRLF plan text and a plan without a final newline intact inside the markers', () => {
    const planText = '# T\r\n- [ ] a\r\n- [?] b';
    expect(buildResumePrompt({ ...RESUME, planText })).toContain(`<<<\n${planText}\n>>>`);
  });
});

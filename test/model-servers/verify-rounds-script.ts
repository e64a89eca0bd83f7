import { promptPaths, quote, type ScriptAction } from './worker-script.js';

/**
 * A scripted "model" for verify rounds (docs/verify.md): in the first round it writes
 * answer.txt = 41 and says it is done; sent back with the verify command's output (the same
 * session, resumed), it writes 42 and is done again. Each round: one shell step (write the
 * answer, check every item, create ipc/.done), then a closing text.
 */
export const FEEDBACK_MARK = 'The verify command the user gave failed';
export const ROUND_DONE = 'The answer is written.';

type Content = { type?: string; text?: string; content?: unknown };

function contentBlocks(content: unknown): Content[] {
  if (typeof content === 'string') return [{ type: 'text', text: content }];
  return Array.isArray(content) ? (content as Content[]) : [];
}

/** The text of a message, tool results included. */
export function messageText(message: { content: unknown }): string {
  return contentBlocks(message.content)
    .map((block) =>
      typeof block.text === 'string'
        ? block.text
        : typeof block.content === 'string'
          ? block.content
          : JSON.stringify(block),
    )
    .join('\n');
}

export function verifyRoundsScript(
  messages: readonly { role: string; content: unknown }[],
): ScriptAction {
  const users = messages.filter((m) => m.role === 'user');
  const prompt =
    users.flatMap((m) => contentBlocks(m.content)).find((b) => b.text?.includes('Plan file:'))
      ?.text ?? '';
  const paths = promptPaths(prompt);
  if (!paths) return { kind: 'text', text: 'Scripted model: no dispatch worker prompt here.' };
  // The round starts at the last message that carries verify feedback, else at the beginning.
  let start = 0;
  messages.forEach((message, index) => {
    if (message.role === 'user' && messageText(message).includes(FEEDBACK_MARK)) start = index;
  });
  const fixing = start > 0;
  const results = messages
    .slice(start)
    .flatMap((m) => (m.role === 'user' ? contentBlocks(m.content) : []))
    .filter((b) => b.type === 'tool_result').length;
  if (results > 0) return { kind: 'text', text: ROUND_DONE };
  return {
    kind: 'shell',
    command: [
      `printf '%s\\n' ${fixing ? '42' : '41'} > answer.txt`,
      `sed -i 's/- \\[ \\]/- [x]/g' ${quote(paths.plan)}`,
      `: > ${quote(`${paths.ipc}/.done.tmp`)}`,
      `mv ${quote(`${paths.ipc}/.done.tmp`)} ${quote(`${paths.ipc}/.done`)}`,
    ].join(' && '),
  };
}

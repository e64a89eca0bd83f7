/** The item a worker gets when the user gave only a task description. */
export const EXPAND_ITEM =
  'Expand this plan: replace this item with 2-8 concrete, verifiable checklist items for the task, then work through them';

export interface PlanSpec {
  title: string;
  items?: string[];
}

/** Writes a fresh plan.md: a title and a checklist. The request itself goes into the prompt. */
export function buildPlan(spec: PlanSpec): string {
  const items = spec.items && spec.items.length > 0 ? spec.items : [EXPAND_ITEM];
  return [
    `# ${oneLine(spec.title)}`,
    '',
    ...items.map((item) => `- [ ] ${oneLine(item)}`),
    '',
  ].join('\n');
}

function oneLine(text: string): string {
  return text.replace(/\s*\r?\n\s*/g, ' ').trim();
}

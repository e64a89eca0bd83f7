/** The four states of a checklist item, as written between the brackets. */
export type Marker = 'pending' | 'done' | 'blocked' | 'error';

export interface PlanItem {
  /** Position among the plan's items, from 0. */
  index: number;
  /** Line of the item in the file, from 0. */
  line: number;
  /** Leading white space width of the item line. */
  indent: number;
  /** Nesting depth derived from indentation: 0 for top-level items. */
  depth: number;
  marker: Marker;
  text: string;
  /** The question (blocked) or error description (error) or other text written under the item. */
  detail: string | undefined;
  /** Number of lines after `line` that make up `detail`. */
  detailLineCount: number;
}

export interface DispatcherNote {
  line: number;
  text: string;
}

export interface Plan {
  /** Every line of the file including its line ending, so joining them reproduces the file. */
  lines: string[];
  title: string | undefined;
  items: PlanItem[];
  notes: DispatcherNote[];
}

export interface Progress {
  done: number;
  total: number;
  blocked: { index: number; text: string; question: string }[];
  errors: { index: number; text: string; description: string }[];
  /** The first item that is not done, the one a worker is on. */
  current: PlanItem | undefined;
}

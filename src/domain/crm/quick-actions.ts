export type QuickCommand = 'add_contacts' | 'remove_contacts';

export interface QuickAction {
  command: QuickCommand;
  emails: string[];
  /** Words on the line that are not `[contact:…]` items. */
  invalid: string[];
}

export interface ParsedNote {
  /** The note without its quick-action lines. */
  text: string;
  actions: QuickAction[];
}

const COMMAND = /^\/(add_contacts|remove_contacts)(?:[ \t]+(.*))?$/;
const ITEM = /\[contact:([^\]]*)\]/g;
const FENCE = /^\s*(```|~~~)/;

/**
 * Splits a staff note into its text and its `/add_contacts` / `/remove_contacts` lines. A command
 * stands alone on its line, and lines inside fenced code blocks are text (as in GitLab).
 */
export function parseQuickActions(body: string): ParsedNote {
  const kept: string[] = [];
  const actions: QuickAction[] = [];
  let inFence = false;
  for (const line of body.split(/\r?\n/)) {
    if (FENCE.test(line)) inFence = !inFence;
    const match = inFence ? null : COMMAND.exec(line.trimEnd());
    if (!match) {
      kept.push(line);
      continue;
    }
    const rest = match[2] ?? '';
    const emails = [...rest.matchAll(ITEM)].map((m) => (m[1] ?? '').trim());
    const invalid = rest.replace(ITEM, ' ').split(/\s+/).filter(Boolean);
    actions.push({ command: match[1] as QuickCommand, emails, invalid });
  }
  return { text: trimBlankLines(kept).join('\n'), actions };
}

function trimBlankLines(lines: string[]): string[] {
  let start = 0;
  let end = lines.length;
  while (start < end && !lines[start]?.trim()) start++;
  while (end > start && !lines[end - 1]?.trim()) end--;
  return lines.slice(start, end);
}

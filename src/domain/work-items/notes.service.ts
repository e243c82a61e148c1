import type { Note } from '../../../entities/note.entity';
import type { Repositories, Store } from '../../repositories/store';
import type { Actor } from '../access/actor';
import { decideContactChange, failure, type FailureReason } from '../crm/contact-change';
import { workItemCrm, type CrmDenial } from '../crm/permissions';
import { parseQuickActions, type QuickAction, type QuickCommand } from '../crm/quick-actions';
import { applyChange, resolveTargets } from '../crm/work-item-contacts.service';
import { requireWorkItem } from './work-item-access';

export interface QuickActionResults {
  applied: { command: QuickCommand; email: string; contactId: number }[];
  failed: { command: QuickCommand; email: string; reason: FailureReason; message: string }[];
}

export interface NoteOutcome {
  /** null when the note held only quick actions: no empty note is stored. */
  note: Note | null;
  quickActions: QuickActionResults;
}

/** Enough for a support page; a longer conversation shows its first notes. */
const MAX_NOTES = 500;

/** A work item's notes, oldest first, for whoever may read the work item. */
export async function listNotes(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
): Promise<Note[]> {
  return store.run(async (repos) => {
    const { workItem } = await requireWorkItem(repos, actor, projectId, iid);
    return repos.workItems.notes(workItem.id, MAX_NOTES);
  });
}

/**
 * A staff note. Its quick actions run here (never for inbound email), each address on its own:
 * the valid ones apply, every other one is reported with its reason.
 */
export async function createNote(
  store: Store,
  actor: Actor,
  projectId: number,
  iid: number,
  body: string,
): Promise<NoteOutcome> {
  return store.transaction(async (repos) => {
    const { workItem } = await requireWorkItem(repos, actor, projectId, iid);
    const parsed = parseQuickActions(body);
    const results: QuickActionResults = { applied: [], failed: [] };
    if (parsed.actions.length > 0) {
      await repos.workItemContacts.lockWorkItem(workItem.id);
      const crm = await workItemCrm(repos, actor, workItem.id, 'link');
      if (crm.denial) refuseAll(parsed.actions, crm.denial, results);
      else {
        for (const action of byCommand(parsed.actions))
          await runAction(repos, workItem.id, crm.sourceGroupId, action, results);
      }
    }
    const note = parsed.text.trim()
      ? await repos.workItems.addStaffNote({
          workItemId: workItem.id,
          body: parsed.text,
          authorUserId: actor.userId,
        })
      : null;
    return { note, quickActions: results };
  });
}

async function runAction(
  repos: Repositories,
  workItemId: number,
  sourceGroupId: number,
  action: QuickAction,
  results: QuickActionResults,
): Promise<void> {
  const { command } = action;
  const fail = (email: string, reason: FailureReason, message?: string) => {
    const { message: text } = failure({ email }, reason, message);
    results.failed.push({ command, email, reason, message: text });
  };
  for (const word of action.invalid) fail(word, 'invalid');
  if (action.emails.length === 0 && action.invalid.length === 0)
    fail('', 'invalid', 'no [contact:email] items given');
  const targets = await resolveTargets(repos, sourceGroupId, { emails: action.emails });
  const linked = new Set(await repos.workItems.listContactIds(workItemId));
  const change = decideContactChange(
    command === 'add_contacts' ? 'append' : 'remove',
    targets,
    linked,
  );
  await applyChange(repos, workItemId, change, 'quick_action');
  for (const t of change.applied)
    if ('email' in t.ref && t.contact)
      results.applied.push({ command, email: t.ref.email, contactId: t.contact.id });
  for (const f of change.failures)
    if ('email' in f)
      results.failed.push({ command, email: f.email, reason: f.reason, message: f.message });
}

/**
 * A note's lines of one command act as one (GitLab sums every `/add_contacts` line of a note
 * before it checks the limit of 6), in the order each command first appears.
 */
function byCommand(actions: QuickAction[]): QuickAction[] {
  const merged = new Map<QuickCommand, QuickAction>();
  for (const { command, emails, invalid } of actions) {
    const into = merged.get(command);
    merged.set(
      command,
      into
        ? { command, emails: [...into.emails, ...emails], invalid: [...into.invalid, ...invalid] }
        : { command, emails, invalid },
    );
  }
  return [...merged.values()];
}

function refuseAll(actions: QuickAction[], denial: CrmDenial, results: QuickActionResults): void {
  for (const { command, emails } of actions)
    for (const email of emails)
      results.failed.push({ command, email, reason: denial.kind, message: denial.message });
}

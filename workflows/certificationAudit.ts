// Issue 24 findings 1/4: a certification command and its audit row are one fact. The command's change is
// first tried on the state and undone at once (no await in between, so nothing else sees it); the row, with
// the state before and after, is written by an activity (with the command's own Postgres write where it has
// one); only once that activity answered does the change stand. A refused row leaves the certification as
// it was, and the caller is told.
import { condition, patched } from '@temporalio/workflow';
import type { AuditActor, AuditEntry } from '../db/audit';
import type { CertificationState } from './certificationDefinitions';
import type { Certification } from './certificationState';
import { acts, refusedDataOf } from './shared';

export type { AuditActor } from '../db/audit';

/** v0.1.0 changed the state in the handler and the API wrote the row after the answer. */
export const COMMAND_AUDITED = 'certification-command-audited-in-activity';

const copy = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** `certification.<what>` by `by`, moving `before` to `after`. */
export function certificationAudit(id: string, by: AuditActor, what: string, before: unknown, after: unknown): AuditEntry {
  return { actor: by.actor, actorName: by.name, action: `certification.${what}`, entityType: 'certification', entityId: id, before, after };
}

/** The state `change` would leave, the certification left as it was (its flags too). */
export function preview(c: Certification, change: () => unknown): CertificationState {
  const before = copy(c.s) as unknown as Record<string, unknown>;
  const flags = { complianceChanged: c.complianceChanged, renewed: c.renewed, revocation: c.revocation };
  change();
  const after = copy(c.s);
  const s = c.s as unknown as Record<string, unknown>;
  // Only the keys the change touched are put back: the others keep the objects the main loop may hold.
  for (const key of new Set([...Object.keys(before), ...Object.keys(s)])) {
    if (JSON.stringify(before[key]) === JSON.stringify(s[key])) continue;
    if (key in before) s[key] = before[key];
    else delete s[key];
  }
  Object.assign(c, flags);
  return after;
}

/** Whether a command of `by` is audited by the workflow (not for a caller naming no one, nor in a run from before). */
export const commandAudited = (by: AuditActor | undefined): by is AuditActor => by !== undefined && patched(COMMAND_AUDITED);

/**
 * Runs one audited command at a time: `validate` again once it is its turn (another command may have
 * changed the state meanwhile), its row written by `write` (by default an activity writing the row alone),
 * then `change` for real. Without an actor (a caller from before) or in a run from before, as v0.1.0 did:
 * `legacy`, else `change` alone.
 */
export async function audited<T>(
  c: Certification,
  by: AuditActor | undefined,
  what: string,
  cmd: {
    validate?: () => void;
    change: () => T;
    write?: (after: CertificationState, audit: AuditEntry) => Promise<void>;
    legacy?: () => Promise<T>;
  },
): Promise<T> {
  if (!commandAudited(by)) return cmd.legacy ? cmd.legacy() : cmd.change();
  await condition(() => !c.commandRunning);
  c.commandRunning = true;
  try {
    cmd.validate?.();
    const before = copy(c.s);
    const after = preview(c, cmd.change);
    const audit = certificationAudit(c.s.id, by, what, before, after);
    await (cmd.write ? cmd.write(after, audit) : acts.recordCertificationAudit(audit)).catch((err: unknown) => {
      throw refusedDataOf(err) ?? err;
    });
    return cmd.change();
  } finally {
    c.commandRunning = false;
  }
}

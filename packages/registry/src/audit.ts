import { AuditEntry } from './schema';

/** A line of the audit log that is not an entry (torn by a crash, or damaged), and why. */
export interface SkippedLine {
  /** 1-based line number in the file. */
  line: number;
  reason: string;
}

/** The audit log as read: its entries, oldest first, and the lines that were not entries. */
export interface AuditRead {
  entries: AuditEntry[];
  skipped: SkippedLine[];
}

/**
 * Parses an audit log. A line that is not a valid entry — the fragment a kill -9 or a full
 * disk left mid-append — is skipped and reported with its line number, never glued to the next
 * entry (appends start on a fresh line, see `appendLine`), so no later entry is lost with it.
 */
export function parseAuditLog(raw: string): AuditRead {
  const entries: AuditEntry[] = [];
  const skipped: SkippedLine[] = [];
  const lines = raw.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i] as string;
    if (line === '') continue;
    let json: unknown;
    try {
      json = JSON.parse(line);
    } catch (e) {
      skipped.push({
        line: i + 1,
        reason: `${i === lines.length - 1 ? 'unterminated last line' : 'torn line'} (${line.length} bytes): ${(e as Error).message}`,
      });
      continue;
    }
    const r = AuditEntry.safeParse(json);
    if (r.success) entries.push(r.data);
    else {
      skipped.push({
        line: i + 1,
        reason: `not an audit entry: ${r.error.issues.map((x) => `${x.path.join('.')}: ${x.message}`).join('; ')}`,
      });
    }
  }
  return { entries, skipped };
}

/** The actions that move the champion, each to its entry's `to`. */
const MOVES_CHAMPION = new Set<AuditEntry['action']>(['promote', 'approve', 'rollback']);

/**
 * The champion the audit log says there is: the `to` of the last entry that moved it
 * (promote, approve, rollback, or set-alias of `champion`); `null` when none did. Every move
 * of the champion is audited, so this must equal `aliases.json`'s champion — the invariant
 * the crash tests check.
 *
 * @example
 * import { createMlp } from '@rvft/model';
 * const reg = await openRegistry('models');
 * const model = createMlp({ inputDim: 4, hiddenDims: [8], outputDim: 2, seed: 1 });
 * for (const newTaskAccuracy of [0.9, 0.92]) {
 *   await reg.promote('churn', await reg.register('churn', model, { metrics: { newTaskAccuracy } }));
 * }
 * await reg.rollback('churn');
 * championFromAudit(await reg.auditLog('churn')); // → 1
 * (await reg.aliasState('churn')).aliases.champion; // → 1 — the same, as it must be
 * championFromAudit([]); // → null
 */
export function championFromAudit(entries: readonly AuditEntry[]): number | null {
  let champion: number | null = null;
  for (const e of entries) {
    const moves =
      MOVES_CHAMPION.has(e.action) || (e.action === 'set-alias' && e.alias === 'champion');
    if (moves && typeof e.to === 'number') champion = e.to;
  }
  return champion;
}

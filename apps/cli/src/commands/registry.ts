import type { StatisticalGateResult } from '@rvft/metrics';
import { gateOnRows } from '@rvft/pipeline';
import { openRegistry, RegistryError } from '@rvft/registry';
import { formatRef, parseModelRef } from '../champion-ref';
import { ExitCode, InputError } from '../errors';
import { loadForModel } from '../tables';

const out = (json: boolean | undefined, value: unknown, text: () => string) =>
  console.log(json ? JSON.stringify(value, null, 2) : text());

/** A reference that must name one version (`dir:name@3`), for commands that act on one. */
function versionRef(refText: string, what: string) {
  const ref = parseModelRef(refText, 'model');
  if (!('version' in ref.ref)) {
    throw new InputError(`model: name the version ${what}, e.g. ${ref.registryDir}:${ref.name}@3`);
  }
  return { ...ref, version: ref.ref.version };
}

/** `rvft registry list <dir>` */
export async function registryList(dir: string, opts: { json?: boolean }): Promise<void> {
  const models = await (await openRegistry(dir)).list();
  out(opts.json, models, () =>
    models.length === 0
      ? `${dir}: no models`
      : models
          .map(
            (m) =>
              `${m.name.padEnd(24)} ${String(m.versions).padStart(3)} versions  latest v${m.latest}  ${Object.entries(
                m.aliases,
              )
                .map(([a, v]) => `${a}=v${v}`)
                .join(' ')}`,
          )
          .join('\n'),
  );
}

/** `rvft registry history <dir>:<name>` */
export async function registryHistory(refText: string, opts: { json?: boolean }): Promise<void> {
  const ref = parseModelRef(refText, 'model');
  const reg = await openRegistry(ref.registryDir);
  const history = await reg.history(ref.name);
  if (history.length === 0)
    throw new InputError(`model: '${ref.name}' has no versions in ${ref.registryDir}`);
  const audit = await reg.auditLog(ref.name);
  out(opts.json, { versions: history, audit }, () => {
    const metric = (m: Record<string, number>, k: string) =>
      m[k] === undefined ? '      -' : (m[k] as number).toFixed(4).padStart(7);
    return [
      'version  created                   strategy                  new acc  old acc  aliases',
      ...history.map(
        (h) =>
          `v${String(h.version).padEnd(7)} ${h.createdAt.slice(0, 19).padEnd(25)} ${(h.lineage.strategy ?? '-').padEnd(25)} ${metric(h.metrics, 'newTaskAccuracy')}  ${metric(h.metrics, 'oldTaskAccuracy')}  ${h.aliases.join(',')}`,
      ),
      '',
      'audit log',
      ...audit.map(
        (e) =>
          `  ${e.at.slice(0, 19)}  ${e.action.padEnd(16)} ${e.from ? `v${e.from}` : '-'} → ${e.to ? `v${e.to}` : '-'}  ${e.why}${e.failedGates ? ` (failed: ${e.failedGates.join(', ')})` : ''}`,
      ),
    ].join('\n');
  });
}

/**
 * `rvft registry promote <dir>:<name>@<version>`: through the gate. With `--new` (and `--old`)
 * evaluation files, both models are measured on those rows; without, the gate compares the
 * metrics recorded at registration, which may come from different data.
 */
export async function registryPromote(
  refText: string,
  opts: { why?: string; json?: boolean; new?: string; old?: string; replacesOld?: boolean },
): Promise<number> {
  const ref = versionRef(refText, 'to promote');
  if (opts.old && !opts.new) throw new InputError('--old: needs --new as well');
  const reg = await openRegistry(ref.registryDir);
  const { version } = ref;
  const current = (await reg.aliasState(ref.name)).aliases['champion'];
  if (current === version) {
    throw new RegistryError(
      `'${ref.name}' v${version} already is the champion; nothing to promote`,
      'RVFT_ERR_REGISTRY_CONFLICT',
    );
  }
  let verdict: StatisticalGateResult | undefined;
  let note = '';
  if (opts.new && current !== undefined) {
    // the same gate as `rvft update`: both models measured now, on the same rows
    const meta = await reg.meta(ref.name, version);
    const read = (f: string) =>
      loadForModel(f, meta.dataSchema, undefined, meta.inputDim, meta.outputDim);
    const newTest = await read(opts.new);
    const oldTest = opts.old ? await read(opts.old) : undefined;
    const [challenger, champion] = [
      await reg.load(ref.name, { version }),
      await reg.load(ref.name, { version: current }),
    ];
    try {
      verdict = gateOnRows(
        champion,
        challenger,
        { newTest, ...(oldTest ? { oldTest } : {}) },
        { replacesOld: opts.replacesOld ?? false },
      );
    } finally {
      challenger.dispose();
      champion.dispose();
    }
    note = ` (both measured on ${opts.new}${opts.old ? ` and ${opts.old}` : ''})`;
  } else if (current !== undefined) {
    note = ' (on recorded metrics; pass --new/--old to measure both models on the same rows)';
  }
  // the policy `rvft update` applies too: gated against the model it replaces, and moved only
  // if that model is still the champion when the move happens (else exit 4, nothing moved)
  const res = await reg.promote(ref.name, version, {
    why: opts.why ?? 'rvft registry promote',
    expectedChampion: current ?? null,
    ...(verdict ? { verdict } : {}),
  });
  const failures = verdict
    ? verdict.checks.filter((c) => c.status === 'failed').map((c) => c.message)
    : (res.gate?.checks.filter((c) => c.status === 'failed').map((c) => c.message) ?? []);
  out(opts.json, { ...res, ...(verdict ? { gate: verdict } : {}) }, () =>
    res.promoted
      ? `promoted ${formatRef(ref)}${res.from ? ` (was v${res.from})` : ''}${note}`
      : `refused ${formatRef(ref)}${note}: ${failures.join('; ')}${
          verdict && !opts.old && !opts.replacesOld
            ? '\n  the old distribution was not measured: pass --old with rows it serves, or --replaces-old'
            : ''
        }`,
  );
  return res.promoted ? ExitCode.Ok : ExitCode.GateRefused;
}

/** `rvft registry rollback <dir>:<name>` */
export async function registryRollback(
  refText: string,
  opts: { why?: string; json?: boolean },
): Promise<void> {
  const ref = parseModelRef(refText, 'model');
  const res = await (await openRegistry(ref.registryDir)).rollback(
    ref.name,
    opts.why ?? 'rvft registry rollback',
  );
  out(opts.json, res, () => `${ref.name}: champion rolled back from v${res.from} to v${res.to}`);
}

/** `rvft registry show <dir>:<name>[@alias|@version]`: the version's model card. */
export async function registryShow(refText: string, opts: { json?: boolean }): Promise<void> {
  const ref = parseModelRef(refText, 'model');
  const reg = await openRegistry(ref.registryDir);
  const version = await reg.resolve(ref.name, ref.ref);
  const meta = await reg.meta(ref.name, version);
  const card = await reg.card(ref.name, version);
  out(opts.json, { meta, card: card?.json ?? null }, () =>
    card
      ? card.markdown
      : `${ref.name} v${version}: no model card (registered before cards, or outside updateChampion)\n${JSON.stringify({ metrics: meta.metrics, lineage: meta.lineage }, null, 2)}`,
  );
}

/** `rvft registry approve|reject <ref> --reason …`: a person's review of a candidate. */
export async function registryReview(
  action: 'approve' | 'reject',
  refText: string,
  opts: { reason: string; who?: string; json?: boolean },
): Promise<void> {
  const ref = versionRef(refText, 'to act on');
  const reg = await openRegistry(ref.registryDir);
  const who = opts.who ? { who: opts.who } : {};
  if (action === 'approve') {
    const res = await reg.approve(ref.name, ref.version, { why: opts.reason, ...who });
    out(
      opts.json,
      res,
      () => `approved ${formatRef(ref)}: the champion${res.from ? ` (was v${res.from})` : ''}`,
    );
  } else {
    await reg.reject(ref.name, ref.version, { why: opts.reason, ...who });
    out(
      opts.json,
      { rejected: ref.version },
      () => `rejected ${formatRef(ref)}: no longer the candidate (it stays registered)`,
    );
  }
}

/** `rvft registry delete <ref> --reason …`: a version no alias points at. */
export async function registryDelete(
  refText: string,
  opts: { reason: string; who?: string; json?: boolean },
): Promise<void> {
  const ref = versionRef(refText, 'to act on');
  const reg = await openRegistry(ref.registryDir);
  await reg.deleteVersion(ref.name, ref.version, opts.reason, opts.who ? { who: opts.who } : {});
  out(opts.json, { deleted: ref.version }, () => `deleted ${formatRef(ref)}`);
}

/** `rvft registry gc <dir>`: what killed writes and deletes left behind. */
export async function registryGc(dir: string, opts: { json?: boolean }): Promise<void> {
  const res = await (await openRegistry(dir)).gc();
  out(opts.json, res, () =>
    res.removed.length === 0
      ? `${dir}: nothing to collect${res.kept.length ? ` (${res.kept.length} recent temporary entries kept)` : ''}`
      : `${dir}: removed ${res.removed.length} leftover(s)${res.kept.length ? `, kept ${res.kept.length} recent` : ''}`,
  );
}

import { InputError } from './errors';

/** `<registry dir>:<name>[@alias|@version]`, parsed. */
export interface ModelRef {
  registryDir: string;
  name: string;
  /** Default: the `champion` alias. */
  ref: { version: number } | { alias: string };
}

/**
 * Parses a model reference. The last `:` separates the registry directory from the name, so
 * directories may contain colons; `@3` is a version, `@shadow` an alias, nothing the champion.
 *
 * @example
 * parseModelRef('models:churn@champion'); // { registryDir: 'models', name: 'churn', ref: { alias: 'champion' } }
 */
export function parseModelRef(text: string, option = '--champion'): ModelRef {
  const colon = text.lastIndexOf(':');
  if (colon <= 0 || colon === text.length - 1) {
    throw new InputError(
      `${option}: expected <registry dir>:<name>[@alias|@version], got '${text}'`,
    );
  }
  const registryDir = text.slice(0, colon);
  const rest = text.slice(colon + 1);
  const at = rest.indexOf('@');
  const name = at === -1 ? rest : rest.slice(0, at);
  const tag = at === -1 ? '' : rest.slice(at + 1);
  if (name === '') throw new InputError(`${option}: the model name is empty in '${text}'`);
  if (at !== -1 && tag === '') throw new InputError(`${option}: nothing after '@' in '${text}'`);
  if (tag === '') return { registryDir, name, ref: { alias: 'champion' } };
  if (/^\d+$/.test(tag)) {
    const version = Number(tag);
    if (version < 1) throw new InputError(`${option}: version must be >= 1, got ${tag}`);
    return { registryDir, name, ref: { version } };
  }
  return { registryDir, name, ref: { alias: tag } };
}

export function formatRef(r: ModelRef): string {
  return `${r.registryDir}:${r.name}@${'version' in r.ref ? r.ref.version : r.ref.alias}`;
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  checkNumber,
  checkOneOf,
  ERROR_CATEGORIES,
  ERROR_CODES,
  exitCodeFor,
  httpStatusFor,
  isRvftError,
  RvftError,
} from '../src/index';

const root = join(__dirname, '..', '..', '..');

function sources(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    if (name === 'node_modules' || name === 'dist' || name.startsWith('.')) continue;
    const p = join(dir, name);
    if (statSync(p).isDirectory()) sources(p, out);
    else if (p.endsWith('.ts')) out.push(p);
  }
  return out;
}

describe('the documented codes are the codes', () => {
  const doc = readFileSync(join(root, 'docs', 'errors.md'), 'utf8');
  const documented = new Map<string, string>();
  for (const m of doc.matchAll(/^\| `(RVFT_ERR_\w+)` \| (\w+)/gm)) documented.set(m[1]!, m[2]!);

  it('docs/errors.md lists exactly ERROR_CODES, with the same categories', () => {
    expect([...documented.keys()].sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect(documented.get(code), code).toBe(info.category);
    }
  });

  it('the category table in the docs matches ERROR_CATEGORIES', () => {
    for (const [cat, info] of Object.entries(ERROR_CATEGORIES)) {
      const row = new RegExp(`^\\| ${cat} \\| ${info.exitCode} \\| ${info.httpStatus} \\|`, 'm');
      expect(doc, cat).toMatch(row);
    }
  });

  it('every RVFT_ERR_* written in a source file is a registered code', () => {
    const files = [...sources(join(root, 'packages')), ...sources(join(root, 'apps'))].filter(
      (f) => !f.includes(join('errors', 'src', 'codes.ts')),
    );
    const unknown: string[] = [];
    for (const f of files) {
      for (const m of readFileSync(f, 'utf8').matchAll(/RVFT_ERR_[A-Z_]+/g)) {
        if (!Object.hasOwn(ERROR_CODES, m[0])) unknown.push(`${f}: ${m[0]}`);
      }
    }
    expect(unknown).toEqual([]);
  });
});

describe('RvftError', () => {
  it('maps codes to exit codes and HTTP statuses through the one table', () => {
    const e = new RvftError('RVFT_ERR_NOT_FOUND', 'model "churn" does not exist');
    expect([e.code, e.category, e.exitCode, e.httpStatus]).toEqual([
      'RVFT_ERR_NOT_FOUND',
      'not_found',
      2,
      404,
    ]);
    expect(new RvftError('RVFT_ERR_DATA_TOO_LARGE', 'x').httpStatus).toBe(413);
    expect(new RvftError('RVFT_ERR_GATE_REFUSED', 'x').exitCode).toBe(3);
    expect(exitCodeFor(new RangeError('engine bug'))).toBe(1);
    expect(httpStatusFor(new RangeError('engine bug'))).toBe(500);
    expect(exitCodeFor(Object.assign(new Error('no file'), { code: 'ENOENT' }))).toBe(2);
    expect(exitCodeFor(Object.assign(new Error('a directory'), { code: 'EISDIR' }))).toBe(2);
    expect(httpStatusFor(Object.assign(new Error('full'), { code: 'ENOSPC' }))).toBe(507);
  });

  it('is recognised across package copies by its registered code', () => {
    const foreign = Object.assign(new Error('x'), {
      code: 'RVFT_ERR_NOT_FOUND',
      category: 'not_found',
    });
    expect(isRvftError(foreign)).toBe(true);
    expect(isRvftError(Object.assign(new Error('x'), { code: 'ENOENT' }))).toBe(false);
  });
});

describe('argument checks', () => {
  it('accept values in range and name the rule and value otherwise', () => {
    expect(checkNumber('Ddm', 'minInstances', 30, { integer: true, min: 1 })).toBe(30);
    expect(() => checkNumber('Ddm', 'minInstances', Number.NaN, { min: 1 })).toThrow(
      'Ddm: minInstances must be a finite number, got NaN',
    );
    expect(() => checkNumber('psi', 'epsilon', -1, { above: 0 })).toThrow(
      'psi: epsilon must be a finite number > 0, got -1',
    );
    expect(() => checkNumber('cm', 'numClasses', 2.5, { integer: true, min: 1 })).toThrow(
      'cm: numClasses must be an integer >= 1, got 2.5',
    );
    expect(() => checkOneOf('PageHinkley', 'mode', 'sideways', ['up', 'down', 'both'])).toThrow(
      `PageHinkley: mode must be one of 'up', 'down', 'both', got "sideways"`,
    );
    expect(() => checkNumber('x', 'y', Number.POSITIVE_INFINITY)).toThrow(
      expect.objectContaining({ name: 'RvftError', code: 'RVFT_ERR_INVALID_ARGUMENT' }),
    );
  });
});

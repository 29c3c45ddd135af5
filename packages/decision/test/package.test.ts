import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

// @rvft/decision must install alone in a lightweight service: zod and nothing else.
describe('@rvft/decision package', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

  it('depends on zod only', () => {
    expect(Object.keys(pkg.dependencies ?? {})).toEqual(['zod']);
    expect(pkg.peerDependencies).toBeUndefined();
  });

  it('the source imports nothing but zod and its own modules', () => {
    const files = [
      'cost-model',
      'engine',
      'errors',
      'index',
      'rules',
      'signals',
      'strategy',
      'thresholds',
    ];
    for (const f of files) {
      const src = readFileSync(new URL(`../src/${f}.ts`, import.meta.url), 'utf8');
      for (const m of src.matchAll(/from '([^']+)'/g)) {
        expect(m[1] === 'zod' || m[1]!.startsWith('./'), `${f}.ts imports ${m[1]}`).toBe(true);
      }
    }
  });
});

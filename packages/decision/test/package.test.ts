import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// @rvft/decision must install alone in a lightweight service: zod and the error vocabulary.
describe('@rvft/decision package', () => {
  const pkg = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8'));

  it('depends on zod and the dependency-free @rvft/errors only', () => {
    expect(Object.keys(pkg.dependencies ?? {}).sort()).toEqual(['@rvft/errors', 'zod']);
    expect(pkg.peerDependencies).toBeUndefined();
    const errorsPkg = JSON.parse(
      readFileSync(new URL('../../errors/package.json', import.meta.url), 'utf8'),
    );
    expect(Object.keys(errorsPkg.dependencies ?? {})).toEqual([]);
  });

  it('no source file imports anything else (every file under src/ is scanned)', () => {
    const dir = fileURLToPath(new URL('../src/', import.meta.url));
    const files = readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) =>
      f.endsWith('.ts'),
    );
    expect(files.length).toBeGreaterThan(5);
    for (const f of files) {
      const src = readFileSync(join(dir, f), 'utf8');
      for (const m of src.matchAll(/from '([^']+)'/g)) {
        const ok = m[1] === 'zod' || m[1] === '@rvft/errors' || m[1]!.startsWith('./');
        expect(ok, `${f} imports ${m[1]}`).toBe(true);
      }
    }
  });
});

import { describe, expect, it } from 'vitest';
import { approx, instrument, mismatches, readmeExampleList } from '../../../scripts/doctest.mjs';

// The doctest runner (scripts/doctest.mjs) decides whether every package's doc examples pass:
// its own rules are tested here, in the smallest package, so a runner that stopped checking
// would fail a test instead of passing every example.

describe('doctest runner: comparing stated values', () => {
  it('a number with decimals matches to that many decimals; without, exactly', () => {
    expect(mismatches(0.30798, approx(0.308, 4))).toEqual([]);
    expect(mismatches(0.30806, approx(0.308, 4))).toHaveLength(1);
    expect(mismatches(3, 3)).toEqual([]);
    expect(mismatches(3.2, 3)).toEqual(['value: 3.2, stated 3']);
  });

  it('arrays match by length and element; typed arrays too', () => {
    expect(mismatches(new Int32Array([1, 0]), [1, 0])).toEqual([]);
    expect(mismatches([1, 0, 2], [1, 0])).toEqual(['value: length 3, stated 2 ([1,0,2])']);
    expect(mismatches([1, 2], [1, 0])).toEqual(['value[1]: 2, stated 0']);
  });

  it('objects match on the keys they state', () => {
    expect(
      mismatches({ passed: false, failed: ['forgetting'], extra: 1 }, { passed: false }),
    ).toEqual([]);
    expect(mismatches({ passed: true }, { passed: false })).toEqual([
      'value.passed: true, stated false',
    ]);
    expect(mismatches({}, { code: 'X' })).toEqual(['value.code: undefined, stated "X"']);
  });
});

describe('doctest runner: rewriting examples into checks', () => {
  it('turns each `// →` into one check, on its own line or the next', () => {
    const { code, checks } = instrument(
      ['f(1); // → 2', 'g(', '  1,', ');', '// → { a: [1,', '//   2] }', 'h(); // a comment'].join(
        '\n',
      ),
    );
    expect(checks).toBe(2);
    expect(code).toContain('__doctest.check((f(1)), (2), ');
    // the multi-line statement and the multi-line value are taken whole
    expect(code).toContain('__doctest.check((g(\n  1,\n)), ({ a: [1,\n  2] }), ');
    expect(code).toContain('h(); // a comment');
  });

  it('numbers with decimals become approximate; those in strings stay text', () => {
    const { code } = instrument("f(); // → [0.3080, '2.50', 7]");
    expect(code).toContain("([__doctest.approx(0.3080, 4), '2.50', 7])");
  });

  it('a declaration checks its variable; a note after " — " is no part of the value', () => {
    const { code } = instrument("const v = await f(); // → 1 — the first version ('a — b')");
    expect(code).toContain('const v = await f();\n__doctest.check(v, (1), ');
    expect(instrument("f(); // → 'a — b' — note").code).toContain("(f()), ('a — b'), ");
  });

  it('throws', () => {
    const { code } = instrument("f(); // → throws { code: 'X' }");
    expect(code).toContain("await __doctest.checkThrows(async () => { f(); }, ({ code: 'X' }), ");
    expect(() => instrument('// → 1')).toThrow(/follows no statement/);
  });

  it('reads the README list of exports with examples', () => {
    expect(readmeExampleList('x\nRunnable examples: `a`, `B.c`.\nmore')).toEqual(['a', 'B.c']);
    expect(readmeExampleList('no list')).toBeUndefined();
  });
});

// Types for scripts/doctest.mjs, used by each package's test/doctest.test.ts.
export interface Example {
  file: string;
  line: number;
  code: string;
  /** The declaration documented (`Class.method` for a method). */
  name: string | undefined;
}
interface Vitest {
  describe: (name: string, fn: () => void) => void;
  // biome-ignore lint/suspicious/noExplicitAny: vitest's overloaded `it`
  it: any;
  // biome-ignore lint/suspicious/noExplicitAny: vitest's `expect`
  expect: any;
}
export function extractExamples(srcDir: string): Example[];
export function instrument(code: string): { code: string; checks: number };
export function approx(value: number, decimals: number | null): unknown;
export function readmeExampleList(readme: string): string[] | undefined;
export function mismatches(actual: unknown, expected: unknown, path?: string): string[];
export function doctest(
  pkgDir: URL | string,
  vitest: Vitest,
  opts?: { timeout?: number },
): Example[];

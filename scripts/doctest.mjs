// Doctests: runs the `@example` blocks of a package's doc comments against its built public
// API, and checks the values they state. Each package's `test/doctest.test.ts` calls
// `doctest()`, so `pnpm test` runs the examples and the CI summary counts them.
//
// The convention (docs/doctest.md says the same for authors):
//   - Every `@example` runs. Its text is TypeScript, with or without a ```ts fence; it ends at
//     the next `@tag` or the end of the comment.
//   - Every export of the package is in scope (imported from its `dist/`); other packages are
//     imported explicitly (`import { Dataset } from '@rvft/data';`). Top-level `await` works.
//     Each example runs in a fresh temporary directory (files it writes land there).
//   - A statement followed by `// → VALUE` states the value of the statement's expression
//     (for `const x = …; // → VALUE`: the value of x). VALUE may continue on the following
//     comment lines while its brackets are open, and may also stand alone on the comment line
//     right after the statement. A note may follow VALUE after ' — '.
//   - VALUE is a JavaScript expression (usually a literal), compared as:
//       numbers written with decimals match the actual value rounded to that many decimals
//       (`0.3080` matches 0.30797…); numbers without decimals match exactly;
//       strings, booleans, null and undefined match exactly;
//       arrays match element by element (typed arrays too) and must have the same length;
//       objects match on the keys they state (other keys of the actual value are ignored).
//   - `// → throws VALUE`: the statement throws (or rejects); VALUE is a string the message
//     must contain, or an object the error must match (`{ code: 'RVFT_ERR_NOT_FOUND' }`).
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ARROW = '// →';

/** Every `@example` under `srcDir`, as { file, line, code } (line: 1-based, of `@example`). */
export function extractExamples(srcDir) {
  const out = [];
  for (const file of walk(srcDir)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/\/\*\*([\s\S]*?)\*\//g)) {
      const lines = m[1].split('\n').map((l) => l.replace(/^\s*\* ?/, ''));
      const startLine = text.slice(0, m.index).split('\n').length;
      for (let i = 0; i < lines.length; i++) {
        if (!/^@example\b/.test(lines[i].trim())) continue;
        const body = [];
        let j = i + 1;
        for (; j < lines.length && !/^@\w/.test(lines[j].trim()); j++) body.push(lines[j]);
        const code = body
          .filter((l) => !/^\s*```/.test(l))
          .join('\n')
          .trim();
        if (code) out.push({ file, line: startLine + i, code, name: documented(text, m) });
        i = j - 1;
      }
    }
  }
  return out;
}

/**
 * The export a doc comment documents: the declaration right after it (`Class.method` for a
 * method), or undefined for a comment that documents no declaration.
 */
function documented(text, m) {
  const after = text.slice(m.index + m[0].length).replace(/^\s+/, '');
  const decl =
    /^export\s+(?:declare\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\*?|class|const|let|interface|type|enum)\s+([\w$]+)/.exec(
      after,
    );
  if (decl) return decl[1];
  const method =
    /^(?:(?:public|static|readonly|override|get|set)\s+)*(?:async\s+)?([\w$]+)\s*[(<]/.exec(after);
  if (!method) return undefined;
  const classes = [
    ...text.slice(0, m.index).matchAll(/^export\s+(?:abstract\s+)?class\s+([\w$]+)/gm),
  ];
  return classes.length ? `${classes.at(-1)[1]}.${method[1]}` : method[1];
}

/** The names listed on a README's "Runnable examples:" line, or undefined without one. */
export function readmeExampleList(readme) {
  const line = /^Runnable examples[^:\n]*:(.*)$/m.exec(readme);
  return line ? [...line[1].matchAll(/`([\w$.]+)`/g)].map((x) => x[1]) : undefined;
}

function* walk(dir) {
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) =>
    a.name.localeCompare(b.name),
  )) {
    const p = join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.ts') && !e.name.endsWith('.d.ts')) yield p;
  }
}

/**
 * Rewrites the `// → VALUE` statements of an example into checks. Returns the code and the
 * number of checks. Throws on a `// →` it cannot attach to a statement.
 */
export function instrument(code) {
  const lines = code.split('\n');
  const out = [];
  let checks = 0;
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    let stmt;
    let valueStart;
    const at = line.indexOf(ARROW);
    if (at > 0 && line.slice(0, at).trim() !== '') {
      stmt = line.slice(0, at);
      valueStart = line.slice(at + ARROW.length);
    } else if (at >= 0) {
      // the value on the comment line right after the statement, which may span lines: take
      // code lines back until its brackets balance
      const taken = [];
      while (
        out.length > 0 &&
        out.at(-1).kind === 'code' &&
        !/^\s*(\/\/|$)/.test(out.at(-1).text)
      ) {
        taken.unshift(out.pop().text);
        if (depth(taken.join('\n')) >= 0) break;
      }
      if (taken.length === 0 || depth(taken.join('\n')) !== 0) {
        throw new Error(`line ${i + 1}: '${ARROW}' follows no statement`);
      }
      stmt = taken.join('\n');
      valueStart = line.slice(at + ARROW.length);
    } else {
      out.push({ kind: 'code', text: line });
      continue;
    }
    // the value continues on following comment lines while its brackets are open
    let value = valueStart;
    while (!balanced(cutNote(value)) && i + 1 < lines.length && /^\s*\/\//.test(lines[i + 1])) {
      i++;
      value += `\n${lines[i].replace(/^\s*\/\/\s?/, '')}`;
    }
    value = cutNote(value).trim();
    out.push({ kind: 'check', text: checkFor(stmt, value, i + 1) });
    checks++;
  }
  return { code: out.map((o) => o.text).join('\n'), checks };
}

/** The VALUE part of a `// → VALUE — note` comment (a ' — ' inside a string is no note). */
function cutNote(v) {
  let quote = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if (v.startsWith(' — ', i)) return v.slice(0, i);
  }
  return v;
}

function balanced(v) {
  return depth(v) <= 0 && !openQuote(v);
}

function openQuote(v) {
  let quote = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
  }
  return quote !== '';
}

/** Opening minus closing brackets outside strings. */
function depth(v) {
  let depth = 0;
  let quote = '';
  for (let i = 0; i < v.length; i++) {
    const ch = v[i];
    if (quote) {
      if (ch === '\\') i++;
      else if (ch === quote) quote = '';
    } else if (ch === "'" || ch === '"' || ch === '`') quote = ch;
    else if ('([{'.includes(ch)) depth++;
    else if (')]}'.includes(ch)) depth--;
  }
  return depth;
}

/** Numbers with decimals in a literal become `__doctest.approx(n, decimals)`. */
function approxNumbers(literal) {
  let s = '';
  for (let i = 0; i < literal.length; i++) {
    const ch = literal[i];
    if (ch === "'" || ch === '"' || ch === '`') {
      let j = i + 1;
      while (j < literal.length && literal[j] !== ch) j += literal[j] === '\\' ? 2 : 1;
      s += literal.slice(i, j + 1);
      i = j;
      continue;
    }
    const m = /^-?\d[\d_]*\.(\d+)(?:e-?\d+)?/.exec(literal.slice(i));
    if (m && !/[\w.$]/.test(literal[i - 1] ?? '')) {
      s += `__doctest.approx(${m[0]}, ${/e/.test(m[0]) ? 'null' : m[1].length})`;
      i += m[0].length - 1;
      continue;
    }
    // skip identifiers wholesale so digits inside them are not numbers
    const id = /^[A-Za-z_$][\w$]*/.exec(literal.slice(i));
    if (id) {
      s += id[0];
      i += id[0].length - 1;
      continue;
    }
    s += ch;
  }
  return s;
}

function checkFor(stmt, value, line) {
  const text = stmt.trim().replace(/;\s*$/, '');
  const where = JSON.stringify(`example line ${line}: ${text}`);
  const throws = /^throws\b/.exec(value);
  const expected = approxNumbers(throws ? value.slice(throws[0].length).trim() : value);
  if (!expected) throw new Error(`line ${line}: '${ARROW}' states no value`);
  const decl = /^(?:const|let|var)\s+([A-Za-z_$][\w$]*)\s*(?::[^=]+)?=/.exec(text);
  if (throws) {
    if (decl) throw new Error(`line ${line}: 'throws' needs an expression, not a declaration`);
    return `await __doctest.checkThrows(async () => { ${text}; }, (${expected}), ${where});`;
  }
  if (decl) return `${text};\n__doctest.check(${decl[1]}, (${expected}), ${where});`;
  return `__doctest.check((${text}), (${expected}), ${where});`;
}

class Approx {
  constructor(value, decimals) {
    this.value = value;
    this.decimals = decimals;
  }
  matches(x) {
    if (typeof x !== 'number') return false;
    // written in exponent form: to the relative precision of its digits
    if (this.decimals === null) return Math.abs(x - this.value) <= Math.abs(this.value) * 1e-6;
    return Math.abs(x - this.value) <= 0.5 * 10 ** -this.decimals * (1 + 1e-9);
  }
  toString() {
    return this.decimals === null ? String(this.value) : this.value.toFixed(this.decimals);
  }
}

/** A number stated with `decimals` decimals (what `// → 0.3080` becomes). */
export function approx(value, decimals) {
  return new Approx(value, decimals);
}

/** The differences between `actual` and the stated `expected`, as 'path: why' lines. */
export function mismatches(actual, expected, path = 'value') {
  if (expected instanceof Approx) {
    return expected.matches(actual)
      ? []
      : [`${path}: ${show(actual)}, stated ${expected} (to ${expected.decimals} decimals)`];
  }
  if (Array.isArray(expected)) {
    if (!Array.isArray(actual) && !ArrayBuffer.isView(actual)) {
      return [`${path}: ${show(actual)}, stated an array`];
    }
    if (actual.length !== expected.length) {
      return [`${path}: length ${actual.length}, stated ${expected.length} (${show(actual)})`];
    }
    return expected.flatMap((e, k) => mismatches(actual[k], e, `${path}[${k}]`));
  }
  if (expected !== null && typeof expected === 'object') {
    if (actual === null || typeof actual !== 'object') {
      return [`${path}: ${show(actual)}, stated an object`];
    }
    return Object.keys(expected).flatMap((k) => mismatches(actual[k], expected[k], `${path}.${k}`));
  }
  return Object.is(actual, expected) ? [] : [`${path}: ${show(actual)}, stated ${show(expected)}`];
}

function show(v) {
  if (ArrayBuffer.isView(v)) v = [...v];
  try {
    const s = JSON.stringify(v);
    return s === undefined ? String(v) : s.length > 200 ? `${s.slice(0, 200)}…` : s;
  } catch {
    return String(v);
  }
}

function runtime(counter) {
  return {
    approx,
    check(actual, expected, where) {
      counter.checked++;
      const diff = mismatches(actual, expected);
      if (diff.length) throw new Error(`${where}\n  ${diff.join('\n  ')}`);
    },
    async checkThrows(fn, expected, where) {
      counter.checked++;
      try {
        await fn();
      } catch (e) {
        const diff =
          typeof expected === 'string'
            ? String(e?.message).includes(expected)
              ? []
              : [`message ${JSON.stringify(e?.message)} lacks ${JSON.stringify(expected)}`]
            : mismatches(e, expected, 'error');
        if (diff.length) throw new Error(`${where}\n  ${diff.join('\n  ')}`);
        return;
      }
      throw new Error(`${where}\n  stated to throw, returned normally`);
    },
  };
}

/**
 * Registers one test per `@example` of the package at `pkgDir` (a file URL or path). Pass
 * vitest's `describe`, `it` and `expect` (this file lives outside any package).
 */
export function doctest(pkgDir, { describe, it, expect }, opts = {}) {
  const dir = typeof pkgDir === 'string' ? pkgDir : fileURLToPath(pkgDir);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
  const examples = extractExamples(join(dir, 'src'));
  const dist = pathToFileURL(join(dir, 'dist', 'index.js')).href;
  const outDir = join(dir, 'test-output', 'doctest');
  describe(`${pkg.name} doc examples`, () => {
    it('has examples to run, each on a declaration', () => {
      expect(examples.length).toBeGreaterThan(0);
      expect(examples.filter((e) => !e.name).map((e) => relative(dir, e.file))).toEqual([]);
    });
    // the README says which exports have a runnable example: the claim cannot go stale
    it('the README lists exactly the exports with examples', () => {
      const listed = readmeExampleList(readFileSync(join(dir, 'README.md'), 'utf8'));
      expect(listed, 'README.md has no "Runnable examples:" line').toBeDefined();
      expect([...new Set(listed)].sort()).toEqual([...new Set(examples.map((e) => e.name))].sort());
    });
    for (const ex of examples) {
      const name = `${relative(dir, ex.file)}:${ex.line}`;
      // a guard against a hang, not a timing: examples that train take seconds
      it(name, { timeout: opts.timeout ?? 300_000 }, async () => {
        const api = await import(/* @vite-ignore */ dist);
        const { code, checks } = instrument(ex.code);
        const own = new RegExp(`(['"])${pkg.name.replace('/', '\\/')}\\1`, 'g');
        const body = code.replace(own, JSON.stringify(dist));
        // the package's exports that the example names and does not declare itself
        const declared = new Set(
          [...body.matchAll(/\b(?:const|let|var|function|class|import)\s+\{?([\w$,\s]+)/g)]
            .flatMap((m) => m[1].split(','))
            .map((s) => s.trim()),
        );
        const used = Object.keys(api).filter(
          // a name not preceded by a property dot (a spread's `...` is fine)
          (k) =>
            !declared.has(k) && new RegExp(`(?<![\\w$])(?<!(?<!\\.)\\.)${k}(?![\\w$])`).test(body),
        );
        const source = [
          `import { ${used.join(', ')} } from ${JSON.stringify(dist)};`,
          `const __doctest = globalThis.__rvftDoctest;`,
          body,
          '',
        ].join('\n');
        mkdirSync(outDir, { recursive: true });
        const file = join(outDir, `${name.replace(/[^\w.-]+/g, '_')}.ts`);
        writeFileSync(file, source);
        const counter = { checked: 0 };
        globalThis.__rvftDoctest = runtime(counter);
        const cwd = process.cwd();
        const work = mkdtempSync(join(tmpdir(), 'rvft-doctest-'));
        process.chdir(work);
        try {
          await import(/* @vite-ignore */ `${pathToFileURL(file).href}?t=${Date.now()}`);
        } finally {
          process.chdir(cwd);
          rmSync(work, { recursive: true, force: true });
        }
        // a check inside a branch that did not run would silently pass: every one must run
        expect(counter.checked, `${name}: checks run`).toBe(checks);
      });
    }
  });
  return examples;
}

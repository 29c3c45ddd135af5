import { describe, expect, it } from 'vitest';
import { doctest } from '../../../scripts/doctest.mjs';

// Runs every `@example` of src/ against the built package and checks the `// → value`s they
// state (the convention: scripts/doctest.mjs).
doctest(new URL('..', import.meta.url), { describe, it, expect });

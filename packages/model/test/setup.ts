import { beforeAll } from 'vitest';
import { useBestBackend } from '../src/index';

beforeAll(async () => {
  await useBestBackend();
});

import { useBestBackend } from '@rvft/model';
import { beforeAll } from 'vitest';

beforeAll(async () => {
  await useBestBackend();
});

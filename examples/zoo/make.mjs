// Writes old.csv (bird, cat, dog) and new.csv (fox, owl: two species the first model never saw)
// from rvft's seeded new-class generator. Run after `pnpm build`:  node examples/zoo/make.mjs
import { writeFileSync } from 'node:fs';
import { newClassScenario } from '@rvft/data';

const SPECIES = ['bird', 'cat', 'dog', 'fox', 'owl'];
const s = newClassScenario({ seed: 7, nFeatures: 6, nTrainPerClass: 150, classSeparation: 1.5 });
const csv = (ds) =>
  [
    'f1,f2,f3,f4,f5,f6,species',
    ...Array.from(
      { length: ds.nRows },
      (_, i) => `${[...ds.row(i)].map((x) => x.toFixed(4)).join(',')},${SPECIES[ds.labels[i]]}`,
    ),
  ].join('\n') + '\n';
const here = new URL('.', import.meta.url);
writeFileSync(new URL('old.csv', here), csv(s.originalTrain));
writeFileSync(new URL('new.csv', here), csv(s.newTrain));

import { type Row, readCsvRecords, readJsonRecords } from './io';
import { capEvenly, complete, dropRareClasses, num, rowsOf, str } from './prep';

export { type Row, situationCsv } from './io';

export type SituationKind =
  | 'same-distribution'
  | 'mild-shift'
  | 'severe-shift'
  | 'new-classes'
  | 'small-target'
  | 'prior-shift';

/** A real-data situation: the champion's history, a naturally shifted new pool, a budget. */
export interface RealSituation {
  /** kebab-case, e.g. 'penguins-island'. */
  id: string;
  /** The file it comes from, e.g. 'vega-datasets/penguins.json'. */
  source: string;
  kind: SituationKind;
  /** One sentence: what is old, what is new, what shifted and why it is natural. */
  description: string;
  /** The label column; class names are strings. */
  label: string;
  /** Numeric feature columns, in order, in raw units (scaling is the library's job). */
  features: string[];
  /** The distribution the champion was trained on (its history). */
  old: Row[];
  /** The new distribution. */
  newPool: Row[];
  /**
   * How many newPool rows the update gets (a stratified sample per seed); the rest of newPool
   * is the new test set.
   */
  nNewTrain: number;
}

/** Pools larger than this are cut to it, evenly through the file (one training run stays fast). */
export const MAX_POOL_ROWS = 3000;
/** A class with fewer rows than this on either side is dropped (too few to learn or score). */
export const MIN_CLASS_ROWS = 8;

function build(
  base: Omit<RealSituation, 'old' | 'newPool'>,
  rows: readonly Row[],
  side: (row: Row) => 'old' | 'new' | undefined,
  opts: { dropRare: boolean },
): RealSituation {
  let old = rows.filter((r) => side(r) === 'old');
  let newPool = rows.filter((r) => side(r) === 'new');
  if (opts.dropRare) ({ old, newPool } = dropRareClasses(old, newPool, base.label, MIN_CLASS_ROWS));
  return {
    ...base,
    old: capEvenly(old, MAX_POOL_ROWS),
    newPool: capEvenly(newPool, MAX_POOL_ROWS),
  };
}

// ---------------------------------------------------------------------------------------------
// Sanity checks (out of band, scikit-learn 1.2 on the rows loadRealSituations returns; nothing
// in the repo needs Python): a standardised logistic regression (LR) and a standardised MLP
// (one hidden layer of 64, adam, L2 1e-3); accuracy, mean over 5 seeds.
// "old→old": fit on 70 % of `old`, scored on the other 30 %. "old→new": fit on all of `old`,
// scored on the new test set (newPool less a stratified nNewTrain sample). "new→new": fit on
// that nNewTrain sample alone. "old+new": fit on both. "prior-adj.": the old LR's
// probabilities reweighted by new/old class priors (priors of the nNewTrain sample).
// "ceiling": fit on 70 % of newPool, scored on the other 30 %. "F1": macro-F1. "majority":
// the nNewTrain sample's commonest class, scored on the new test set.
// ---------------------------------------------------------------------------------------------

const PENGUIN_FEATURES = ['beak_length_mm', 'beak_depth_mm', 'flipper_length_mm', 'body_mass_g'];

/** penguins.json: 344 rows; 2 dropped (no measurements). */
function penguinRows(): Row[] {
  return rowsOf(readJsonRecords('penguins.json'), (r) =>
    complete({
      species: str(r['Species']),
      island: str(r['Island']),
      beak_length_mm: num(r['Beak Length (mm)']),
      beak_depth_mm: num(r['Beak Depth (mm)']),
      flipper_length_mm: num(r['Flipper Length (mm)']),
      body_mass_g: num(r['Body Mass (g)']),
    }),
  ).rows;
}

// Old (Biscoe + Torgersen): Adelie 95, Gentoo 123. New (Dream): Adelie 56, Chinstrap 68;
// test 84 rows (the island has no more). LR and MLP alike: old→old 1.000, old→new 0.452 =
// every Dream Adelie right, every Chinstrap called Adelie (macro-F1 0.311); new→new 0.988 /
// 0.976 from 40 rows; old+new 0.936 / 0.940; ceiling 1.000 / 0.989.
function penguinsIsland(): RealSituation {
  return build(
    {
      id: 'penguins-island',
      source: 'vega-datasets/penguins.json',
      kind: 'new-classes',
      description:
        'A species classifier built on Biscoe and Torgersen islands (Adelie, Gentoo) is taken to Dream island, where Chinstrap penguins, never seen before, make up over half the birds.',
      label: 'species',
      features: PENGUIN_FEATURES,
      nNewTrain: 40,
    },
    penguinRows(),
    (r) => (r['island'] === 'Dream' ? 'new' : 'old'),
    // Gentoo (old only) and Chinstrap (new only) are the point: no class is dropped.
    { dropRare: false },
  );
}

const CAR_FEATURES = [
  'mpg',
  'cylinders',
  'displacement',
  'horsepower',
  'weight_lbs',
  'acceleration',
];

/** cars.json: 406 rows; 14 dropped (8 without mpg, 6 without horsepower). */
function carRows(): Row[] {
  return rowsOf(readJsonRecords('cars.json'), (r) => {
    const year = str(r['Year']);
    return complete({
      origin: str(r['Origin']),
      model_year: year === undefined ? undefined : num(year.slice(0, 4)),
      mpg: num(r['Miles_per_Gallon']),
      cylinders: num(r['Cylinders']),
      displacement: num(r['Displacement']),
      horsepower: num(r['Horsepower']),
      weight_lbs: num(r['Weight_in_lbs']),
      acceleration: num(r['Acceleration']),
    });
  }).rows;
}

// Suggested as a mild shift; measured, it is severe. Old (1970-76): USA 144, Europe 41,
// Japan 29. New (1977-82): USA 101, Japan 50, Europe 27 (Japan 14 % → 28 %); test 118 rows.
// LR: old→old 0.754, old→new 0.542 (F1 0.486; the majority class alone scores 0.568),
// new→new 0.658, old+new 0.636, ceiling 0.685. MLP: old→old 0.818, old→new 0.593 (F1 0.532),
// new→new 0.678, old+new 0.707, ceiling 0.722. The label's relation to the features moved
// (concept shift), on top of the change in class mix.
function carsModelYear(): RealSituation {
  return build(
    {
      id: 'cars-model-year',
      source: 'vega-datasets/cars.json',
      kind: 'severe-shift',
      description:
        "A car's origin (USA, Europe, Japan) learnt from 1970-76 models is asked of 1977-82 models, after the oil crises made American cars smaller and thriftier and Japan's share grew, so engine size and mileage no longer separate the makers as before.",
      label: 'origin',
      features: CAR_FEATURES,
      nNewTrain: 60,
    },
    carRows(),
    (r) => ((r['model_year'] as number) <= 1976 ? 'old' : 'new'),
    { dropRare: true },
  );
}

const GAPMINDER_REGIONS: Record<string, string> = {
  '0': 'South Asia',
  '1': 'Europe & Central Asia',
  '2': 'Sub-Saharan Africa',
  '3': 'America',
  '4': 'East Asia & Pacific',
  '5': 'Middle East & North Africa',
};

/** gapminder.json: 682 rows (62 countries × 11 five-yearly snapshots); none dropped. */
function gapminderRows(): Row[] {
  return rowsOf(readJsonRecords('gapminder.json'), (r) => {
    const cluster = str(r['cluster']);
    const pop = num(r['pop']);
    return complete({
      region: cluster === undefined ? undefined : GAPMINDER_REGIONS[cluster],
      country: str(r['country']),
      year: num(r['year']),
      fertility: num(r['fertility']),
      life_expect: num(r['life_expect']),
      log10_pop: pop !== undefined && pop > 0 ? Math.log10(pop) : undefined,
    });
  }).rows;
}

// Old (1955-70) and new (1990-2005): the same 62 countries, 4 snapshots each side: America 80,
// Europe & Central Asia 76, East Asia & Pacific 36, Middle East & North Africa 24, South Asia
// 16, Sub-Saharan Africa 16 (same proportions; only the features moved); test 168 rows.
// LR: old→old 0.573, old→new 0.352 (F1 0.138, majority 0.321), new→new 0.599, old+new 0.415,
// ceiling 0.568. MLP: old→old 0.653, old→new 0.420 (F1 0.212), new→new 0.621, old+new 0.550,
// ceiling 0.672. Old data hurts: fitting on old + new is worse than on the 80 new rows alone.
// (With 1955-75 → 1980-2005 the MLP dropped only 0.611 → 0.496.)
function gapminderEra(): RealSituation {
  return build(
    {
      id: 'gapminder-era',
      source: 'vega-datasets/gapminder.json',
      kind: 'severe-shift',
      description:
        "A region classifier for 62 countries trained on their 1955-70 fertility, life expectancy and population is used on the same countries' 1990-2005 figures, a generation later, after the demographic transition moved most regions into ranges that once belonged to others.",
      label: 'region',
      features: ['fertility', 'life_expect', 'log10_pop'],
      nNewTrain: 80,
    },
    gapminderRows(),
    // the 1975-85 snapshots are left out: a model from the 1960s, used a generation later
    (r) =>
      (r['year'] as number) <= 1970 ? 'old' : (r['year'] as number) >= 1990 ? 'new' : undefined,
    { dropRare: true },
  );
}

const WEATHER_FEATURES = ['precipitation', 'temp_max', 'temp_min', 'wind'];

/**
 * Days of weather.csv (2,922: Seattle and New York, 2012-15) or seattle-weather.csv (1,461, the
 * same Seattle days): mm, °C, °C, m/s. No row of either is dropped (all values numeric).
 */
function weatherRows(file: string): Row[] {
  return rowsOf(readCsvRecords(file), (r) =>
    complete({
      weather: str(r['weather']),
      location: str(r['location'] ?? 'Seattle'),
      date: str(r['date']),
      precipitation: num(r['precipitation']),
      temp_max: num(r['temp_max']),
      temp_min: num(r['temp_min']),
      wind: num(r['wind']),
    }),
  ).rows;
}

// weather.csv: 1,461 days per city; no row or class dropped. Old (Seattle): rain 641,
// sun 640, fog 101, drizzle 53, snow 26. New (New York): sun 826, rain 446, snow 93, drizzle
// 58, fog 38 (snow 1.8 % → 6.4 %); test 1,311 rows. LR: old→old 0.772, old→new 0.782 (F1
// 0.428), new→new 0.744 (F1 0.383), old+new 0.796, ceiling 0.777. MLP: old→old 0.821, old→new
// 0.839 (F1 0.486), new→new 0.790 (F1 0.441), old+new 0.843, ceiling 0.845. Accuracy barely
// moves; the point is that 150 target rows alone train a worse model than the source gives.
function weatherSeattleToNewYork(): RealSituation {
  return build(
    {
      id: 'weather-seattle-to-new-york',
      source: 'vega-datasets/weather.csv',
      kind: 'small-target',
      description:
        'A daily weather-type classifier trained on four years of Seattle is brought to New York, where only 150 labelled days are available for the update: a snowier, sunnier, continental climate with the same physics.',
      label: 'weather',
      features: WEATHER_FEATURES,
      nNewTrain: 150,
    },
    weatherRows('weather.csv'),
    (r) => (r['location'] === 'Seattle' ? 'old' : r['location'] === 'New York' ? 'new' : undefined),
    { dropRare: true },
  );
}

const month = (r: Row) => Number(String(r['date']).slice(5, 7));
const year = (r: Row) => Number(String(r['date']).slice(0, 4));

// seattle-weather.csv: 1,461 days, no row dropped; snow dropped as a class (25 wet-season
// days, 1 dry-season day). Old (Oct-Mar): rain 422 (60 %), sun 194 (28 %), fog 62, drizzle 26.
// New (Apr-Sep): sun 446 (61 %), rain 219 (30 %), fog 39, drizzle 27; test 581 rows.
// LR: old→old 0.768, old→new 0.682; reweighting the old LR by the new priors alone recovers
// 0.795 = new→new 0.796 (old+new 0.809, ceiling 0.816): a prior shift, P(x|y) near stable.
// MLP: old→old 0.805, old→new 0.821, new→new 0.805, old+new 0.863, ceiling 0.874 (a sharp
// model loses nothing to the priors here; the old+new gain is the extra data).
function seattleSeason(): RealSituation {
  return build(
    {
      id: 'seattle-wet-to-dry-season',
      source: 'vega-datasets/seattle-weather.csv',
      kind: 'prior-shift',
      description:
        'A Seattle weather-type classifier trained on wet-season days (October to March, mostly rain) is used through the dry season (April to September, mostly sun): the mix of weather types flips while rain still looks like rain.',
      label: 'weather',
      features: WEATHER_FEATURES,
      nNewTrain: 150,
    },
    weatherRows('seattle-weather.csv'),
    (r) => (month(r) >= 4 && month(r) <= 9 ? 'new' : 'old'),
    { dropRare: true },
  );
}

// seattle-weather.csv: 1,461 days, no row dropped; drizzle (46 days in 2012-13, 7 in 2014-15)
// and snow (24, 2) dropped as classes. Old (2012-13): rain 349, sun 291, fog 21 (3 %). New
// (2014-15): sun 349, rain 292, fog 80 (11 %); test 571 rows. LR: old→old 0.842, old→new 0.818
// (F1 0.580), new→new 0.796, old+new 0.823, ceiling 0.827. MLP: old→old 0.885, old→new 0.865
// (F1 0.614), new→new 0.824 (F1 0.676), old+new 0.851, ceiling 0.886. A drop of about 2
// points: mild.
function seattleYears(): RealSituation {
  return build(
    {
      id: 'seattle-weather-years',
      source: 'vega-datasets/seattle-weather.csv',
      kind: 'mild-shift',
      description:
        'A Seattle weather-type classifier trained on 2012-13 is used on 2014-15, when the same climate was recorded with a drifting vocabulary for dry days (fog logged far more often, drizzle hardly at all).',
      label: 'weather',
      features: WEATHER_FEATURES,
      nNewTrain: 150,
    },
    weatherRows('seattle-weather.csv'),
    (r) => (year(r) <= 2013 ? 'old' : 'new'),
    { dropRare: true },
  );
}

/** zipcodes.csv: 42,049 US ZIP codes with coordinates; none dropped. */
function zipRows(): Row[] {
  return rowsOf(readCsvRecords('zipcodes.csv'), (r) => {
    const zip = str(r['zip_code']);
    return complete({
      zip_area: zip === undefined ? undefined : `area-${zip[0]}`,
      zip_code: zip,
      latitude: num(r['latitude']),
      longitude: num(r['longitude']),
    });
  }).rows;
}

// Even-ending ZIP codes: 21,040, odd-ending: 21,009; each cut to 3,000 evenly through the file
// (sorted by ZIP code, so every area keeps its share). Areas 0-9, old / new: 235/230,
// 324/322, 337/331, 326/332, 332/328, 301/307, 300/297, 341/348, 196/200, 308/305; test 2,000.
// LR: old→old 0.810, old→new 0.815, new→new 0.811, old+new 0.823, ceiling 0.819. MLP:
// old→old 0.943, old→new 0.947, new→new 0.934, old+new 0.947, ceiling 0.945. No drop.
function zipParity(): RealSituation {
  return build(
    {
      id: 'zipcodes-parity',
      source: 'vega-datasets/zipcodes.csv',
      kind: 'same-distribution',
      description:
        "A classifier of a ZIP code's national area (its first digit, 0 = New England, New Jersey and Puerto Rico … 9 = the West Coast and Pacific) from latitude and longitude, trained on ZIP codes ending in an even digit, gets those ending in an odd digit: more of the same map, no shift.",
      label: 'zip_area',
      features: ['latitude', 'longitude'],
      nNewTrain: 1000,
    },
    zipRows(),
    (r) => (Number(String(r['zip_code']).slice(-1)) % 2 === 0 ? 'old' : 'new'),
    { dropRare: true },
  );
}

/** Every real situation, in a fixed order; the same rows on every call. */
export function loadRealSituations(): RealSituation[] {
  return [
    zipParity(),
    seattleYears(),
    gapminderEra(),
    carsModelYear(),
    penguinsIsland(),
    weatherSeattleToNewYork(),
    seattleSeason(),
  ];
}

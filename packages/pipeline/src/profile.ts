import type { Dataset } from '@rvft/data';
import type { TrunkHeadModel } from '@rvft/model';
import { buildProfile, type ReferenceProfile } from '@rvft/monitor';
import type { ModelCard } from '@rvft/registry';

/**
 * Feature values a stored profile keeps in all: ≈ 20 bytes each in the indented card.json, so
 * the profile takes ≈ 200 KB at most and the card stays below its 1 MiB limit.
 */
const PROFILE_VALUES = 10_000;

/**
 * The reference profile `rvft monitor` compares a version's traffic with, fit on held-out rows
 * (so its accuracy and confidence are not the training set's): at most 500 values per feature
 * and 10,000 in all (20 per feature with 500 features), rounded to 7 significant digits
 * (Float32 data has no more). Feature and class names: the version's data schema's (`x0…`,
 * `0…` without one), as the log will name them.
 */
export function versionProfile(
  model: TrunkHeadModel,
  rows: Dataset,
  schema: { featureNames?: readonly string[]; classNames?: readonly string[] } = {},
): ReferenceProfile {
  const sampleSize = Math.max(2, Math.min(500, Math.floor(PROFILE_VALUES / rows.nFeatures)));
  const featureNames =
    schema.featureNames ??
    rows.featureNames ??
    Array.from({ length: rows.nFeatures }, (_, j) => `x${j}`);
  const classNames =
    schema.classNames ??
    Array.from({ length: model.outputDim }, (_, k) => rows.classNames?.[k] ?? String(k));
  const profile = buildProfile(
    {
      features: rows.features,
      nFeatures: rows.nFeatures,
      labels: rows.labels,
      featureNames,
      classNames,
    },
    model.probabilities(rows),
    { sampleSize },
  );
  for (const f of profile.features) f.sample = f.sample.map((v) => Number(v.toPrecision(7)));
  return profile;
}

/** One Markdown line for the card: what the profile holds. */
export function profileMarkdown(p: ReferenceProfile): string {
  return `Reference profile (for \`rvft monitor\`): ${p.rows} held-out rows, ${p.features.length} features (${p.features[0]?.sample.length ?? 0} values kept each), high-confidence share ${(p.confidence.highShare * 100).toFixed(1)} % (top probability ≥ ${p.confidence.highThreshold})${p.accuracy !== undefined ? `, accuracy ${(p.accuracy * 100).toFixed(1)} %` : ''}.`;
}

/** A card holding only the profile (a first version has no update report to tell). */
export function profileCard(p: ReferenceProfile): ModelCard {
  return { json: { profile: p }, markdown: `# Model card\n\n${profileMarkdown(p)}\n` };
}

/** The card with the profile added (`card.json` → `profile`, one line in `card.md`). */
export function withProfile(card: ModelCard, p: ReferenceProfile): ModelCard {
  return {
    json: { ...card.json, profile: p },
    markdown: `${card.markdown.replace(/\n*$/, '\n')}\n${profileMarkdown(p)}\n`,
  };
}

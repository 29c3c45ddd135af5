import { createHash } from 'node:crypto';

/**
 * sha256 of a dataset's features and labels (and its shape), for lineage: the same data
 * gives the same fingerprint on every machine.
 *
 * @example
 * const data = { features: new Float32Array([1, 2]), labels: new Int32Array([0]), nFeatures: 2 };
 * fingerprintDataset(data); // → '21c1aad007a942dd8b870a44a9d72f09f526542858737901ea9cac13b0e352be'
 */
export function fingerprintDataset(data: {
  features: Float32Array;
  labels: Int32Array;
  nFeatures: number;
}): string {
  const h = createHash('sha256');
  h.update(`rvft-dataset:v1:${data.nFeatures}:${data.labels.length}:`);
  h.update(
    new Uint8Array(data.features.buffer, data.features.byteOffset, data.features.byteLength),
  );
  h.update(new Uint8Array(data.labels.buffer, data.labels.byteOffset, data.labels.byteLength));
  return h.digest('hex');
}

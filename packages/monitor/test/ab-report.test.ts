import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { analyzeAbTest, pairedComparison } from '@rvft/metrics';
import { describe, expect, it } from 'vitest';
import { abReport } from '../src/index';

const dir = mkdtempSync(join(tmpdir(), 'rvft-ab-'));
const pred = (id: string, arm: string, version: number, predicted: string) =>
  JSON.stringify({
    type: 'prediction',
    time: '2026-01-01T00:00:00Z',
    requestId: id,
    version,
    arm,
    features: { x: 0 },
    probabilities: [0.5, 0.5],
    predicted,
    classNames: ['a', 'b'],
  });
const fb = (id: string, label: string) =>
  JSON.stringify({ type: 'feedback', time: '2026-01-01T00:00:01Z', requestId: id, label });

describe('abReport', () => {
  it('canary: two independent arms, the A/B analysis on the correct predictions', async () => {
    // champion answers 100 requests (right on the first 80); canary answers 50 (right on 45);
    // the labels of champion requests 95–99 never come back
    const lines: string[] = [];
    for (let k = 0; k < 100; k++) {
      lines.push(pred(`c${k}`, 'champion', 1, k < 80 ? 'a' : 'b'));
      if (k < 95) lines.push(fb(`c${k}`, 'a'));
    }
    for (let k = 0; k < 50; k++) {
      lines.push(pred(`n${k}`, 'canary', 2, k < 45 ? 'a' : 'b'), fb(`n${k}`, 'a'));
    }
    lines.push(fb('unknown', 'a'));
    writeFileSync(join(dir, 'canary.jsonl'), `${lines.join('\n')}\n{"type":"pred`);
    const r = await abReport(join(dir, 'canary.jsonl'));
    // labelled: champion 95, of which the first 80 right (95–99 were wrong and unlabelled);
    // canary 45 of 50
    expect(r.arms).toEqual([
      { arm: 'champion', versions: [1], labelled: 95, correct: 80, accuracy: 80 / 95 },
      { arm: 'canary', versions: [2], labelled: 50, correct: 45, accuracy: 0.9 },
    ]);
    expect(r.canary).toEqual(
      analyzeAbTest({ conversions: 80, users: 95 }, { conversions: 45, users: 50 }),
    );
    expect(r.shadow).toBeUndefined();
    expect(r.unlabelled).toBe(5);
    expect(r.stats.torn).toBe(1);
    // not called before the planned size
    const early = await abReport(join(dir, 'canary.jsonl'), { plannedPerArm: 1000 });
    expect(early.canary?.verdict).toBe('keep_running');
  });

  it('shadow: the same requests, a paired comparison; memory bounded by maxPending', async () => {
    // 10 requests: champion right on 1–8, shadow right on 3–10 → b = 2 (champion only), c = 2
    const lines: string[] = [];
    for (let k = 1; k <= 10; k++) {
      lines.push(
        pred(`s${k}`, 'champion', 1, k <= 8 ? 'a' : 'b'),
        pred(`s${k}`, 'shadow', 2, k >= 3 ? 'a' : 'b'),
        fb(`s${k}`, 'a'),
      );
    }
    writeFileSync(join(dir, 'shadow.jsonl'), `${lines.join('\n')}\n`);
    const r = await abReport(join(dir, 'shadow.jsonl'));
    const champion = [1, 1, 1, 1, 1, 1, 1, 1, 0, 0];
    const shadow = [0, 0, 1, 1, 1, 1, 1, 1, 1, 1];
    expect(r.shadow).toEqual(pairedComparison(shadow, champion));
    expect(r.shadow?.difference).toBe(0);
    expect(r.canary).toBeUndefined();

    // with room for one waiting request only, every prediction but the last is evicted before
    // its label: nothing is scored, everything is counted unlabelled
    const tight = [pred('t1', 'champion', 1, 'a'), pred('t2', 'champion', 1, 'a'), fb('t1', 'a')];
    writeFileSync(join(dir, 'tight.jsonl'), `${tight.join('\n')}\n`);
    const t = await abReport(join(dir, 'tight.jsonl'), { maxPending: 1 });
    expect(t.arms).toEqual([]);
    expect(t.unlabelled).toBe(2);
  });
});

describe('abReport on what is not a log', () => {
  it('refuses a device or a directory instead of reading it forever', async () => {
    await expect(abReport('/dev/zero')).rejects.toMatchObject({
      code: 'RVFT_ERR_INVALID_ARGUMENT',
      message: expect.stringMatching(/^\/dev\/zero: not a regular file/),
    });
    await expect(abReport(dir)).rejects.toMatchObject({ code: 'RVFT_ERR_INVALID_ARGUMENT' });
  });
});

/**
 * Pretraining live in Chromium: the RBM's reconstruction error falls, its filter grid has one
 * tile per hidden unit and changes between epochs, Gibbs chains are drawn, the pretrained stack
 * and the same net from scratch are both fine-tuned above chance, and a URL setup is restored.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Site, shots, startSite } from './browser.js';

type PretrainState = {
  phase: string;
  settings: Record<string, number> | null;
  recon: number[];
  recon2: number[];
  tiles: number;
  filterChecksums: number[];
  chains: number;
  gibbsSteps: number;
  chainInk: number;
  pretrained: number[];
  scratch: number[];
  winner: string;
  seconds: number;
  runs: number;
  error: string;
};

let site: Site;
beforeAll(async () => {
  site = await startSite();
});
afterAll(async () => {
  await site?.close();
});

/** Opens the page and waits for its run to finish (or fail). */
async function finished(path: string) {
  const { page, errors } = await site.open(path);
  await page.waitForFunction(
    () => {
      const s = (globalThis as { pretrain?: PretrainState }).pretrain;
      return s?.phase === 'done' || s?.phase === 'error';
    },
    undefined,
    { timeout: 110_000, polling: 250 },
  );
  const state = await page.evaluate(() => (globalThis as unknown as { pretrain: PretrainState }).pretrain);
  return { page, errors, state };
}

describe('pretraining live', () => {
  it('trains an RBM, draws its filters and chains, then fine-tunes the stack beside a net from scratch', async () => {
    const { page, errors, state } = await finished('pretrain.html');
    expect(state.error).toBe('');
    expect(state.phase).toBe('done');
    const epochs = state.settings?.epochs ?? 0;
    // RBM phase: the reconstruction error fell from the first to the last epoch.
    expect(state.recon).toHaveLength(epochs);
    expect(state.recon.every(Number.isFinite)).toBe(true);
    expect(state.recon.at(-1)).toBeLessThan(state.recon[0]);
    expect(state.recon2).toHaveLength(epochs);
    expect(state.recon2.at(-1)).toBeLessThan(state.recon2[0]);
    // One tile per hidden unit, redrawn each epoch with different pixels.
    expect(state.tiles).toBe(state.settings?.hidden);
    expect(state.filterChecksums).toHaveLength(epochs);
    expect(new Set(state.filterChecksums).size).toBe(epochs);
    // Gibbs chains drawn (starts and samples): plenty of non-white pixels.
    expect(state.chains).toBeGreaterThan(0);
    expect(state.gibbsSteps).toBe(state.settings?.gibbs);
    expect(state.chainInk).toBeGreaterThan(1000);
    // Fine-tuning: both nets above chance (10 classes) and the page says which is ahead.
    const ftEpochs = state.settings?.ftEpochs ?? 0;
    expect(state.pretrained).toHaveLength(ftEpochs);
    expect(state.scratch).toHaveLength(ftEpochs);
    const [p, q] = [state.pretrained.at(-1) ?? 0, state.scratch.at(-1) ?? 0];
    expect(p).toBeGreaterThan(0.5);
    expect(q).toBeGreaterThan(0.5);
    expect(state.winner).toBe(p > q ? 'pretrained' : q > p ? 'scratch' : 'tie');
    const result = (await page.textContent('#result')) ?? '';
    expect(result).toContain(`pretrained ${(100 * p).toFixed(1)}%`);
    expect(result).toContain(`from scratch ${(100 * q).toFixed(1)}%`);
    expect(result).toMatch(state.winner === 'tie' ? /a tie/ : /is ahead by/);
    console.log(
      `pretrain: recon ${state.recon[0].toFixed(2)} → ${state.recon.at(-1)?.toFixed(2)}; ` +
        `pretrained ${p}, scratch ${q}; ${state.seconds.toFixed(1)} s`,
    );
    await page.screenshot({ path: `${shots}pretrain.png`, fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('restores a setup from the URL and writes it back', async () => {
    const query = new URLSearchParams({
      hidden: '25',
      hidden2: '16',
      lr: '0.05',
      k: '2',
      digits: '600',
      epochs: '3',
      batch: '20',
      gibbs: '5',
      labelled: '200',
      ftEpochs: '12',
      ftLr: '0.2',
      seed: '3',
    });
    const { page, errors, state } = await finished(`pretrain.html?${query}`);
    expect(state.error).toBe('');
    expect(await page.inputValue('input[name="hidden"]')).toBe('25');
    expect(await page.inputValue('input[name="k"]')).toBe('2');
    expect(state.settings).toEqual({
      hidden: 25,
      hidden2: 16,
      lr: 0.05,
      k: 2,
      digits: 600,
      epochs: 3,
      batch: 20,
      gibbs: 5,
      labelled: 200,
      ftEpochs: 12,
      ftLr: 0.2,
      seed: 3,
    });
    expect(state.tiles).toBe(25);
    expect(state.recon).toHaveLength(3);
    expect(state.pretrained).toHaveLength(12);
    const saved = new URL(page.url()).searchParams;
    for (const [k, v] of query) expect(saved.get(k), k).toBe(v);
    // A bad setting is reported, not run.
    await page.fill('input[name="hidden"]', '0');
    await page.click('#run');
    await page.waitForFunction(() => (globalThis as unknown as { pretrain: PretrainState }).pretrain.error !== '');
    expect(await page.textContent('#status')).toContain('hidden must be');
    expect(new URL(page.url()).searchParams.get('hidden')).toBe('0');
    expect(errors).toEqual([]);
    await page.close();
  });

  it('fits a phone (390 px) without horizontal overflow', async () => {
    const { page, errors } = await site.open('pretrain.html?epochs=1&ftEpochs=1&digits=200&labelled=50', {
      width: 390,
      height: 844,
    });
    await page.waitForFunction(
      () => (globalThis as unknown as { pretrain: PretrainState }).pretrain.tiles > 0,
      undefined,
      {
        timeout: 60_000,
      },
    );
    const widths = await page.evaluate(() => ({
      scroll: document.documentElement.scrollWidth,
      client: document.documentElement.clientWidth,
    }));
    expect(widths.scroll).toBeLessThanOrEqual(widths.client);
    expect(errors).toEqual([]);
    await page.close();
  });
});

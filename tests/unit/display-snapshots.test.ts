/**
 * Pixel snapshots of every screen at 480×320 (every fixture), 320×240 and 800×480 (one per
 * screen of the flow), plus portrait and long-text samples, in tests/snapshots/display-<WxH>/.
 * A person can open any of them and read the screen.
 *
 * Compared by pixels with a small tolerance. A failing comparison writes `<name>.actual.png`
 * beside the snapshot (git-ignored) so both can be looked at. `UPDATE_SNAPSHOTS=1` writes
 * missing snapshots and replaces differing ones.
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadSharp, ScreenRenderer } from '../../src/display/renderer.ts';
import { screenFor } from '../../src/display/screens.ts';
import { snapshotSets } from '../support/snapshot-sets.ts';

const DIR = fileURLToPath(new URL('../snapshots/', import.meta.url));
const UPDATE = process.env.UPDATE_SNAPSHOTS === '1';
/** A pixel differs when a channel moved by more than this… */
const CHANNEL_TOLERANCE = 16;
/** …and a snapshot fails when more than this share of its pixels differ (a changed digit is more). */
const PIXEL_TOLERANCE = 0.0002;

const SETS = snapshotSets();

async function rgba(png: Buffer) {
  const sharp = await loadSharp();
  return sharp(png).ensureAlpha().raw().toBuffer({ resolveWithObject: true });
}

for (const set of SETS) {
  const size = `${set.width}x${set.height}`;
  test(`snapshots at ${size}${set.dir ? ` (${set.dir})` : ''}: ${set.shots.map((s) => s.name).join(', ')}`, async () => {
    const dir = join(DIR, set.dir ?? `display-${size}`);
    mkdirSync(dir, { recursive: true });
    const renderer = new ScreenRenderer(set.width, set.height);
    const failures: string[] = [];
    for (const shot of set.shots) {
      const file = join(dir, `${shot.name}.png`);
      const actualFile = join(dir, `${shot.name}.actual.png`);
      const png = await renderer.png(screenFor(shot.state, shot.ctx));
      if (!existsSync(file)) {
        if (UPDATE) writeFileSync(file, png);
        else failures.push(`${file} is missing: run with UPDATE_SNAPSHOTS=1 to create it`);
        continue;
      }
      const want = await rgba(readFileSync(file));
      const got = await rgba(png);
      let differing = 0;
      if (want.info.width !== got.info.width || want.info.height !== got.info.height)
        differing = Number.POSITIVE_INFINITY;
      else {
        for (let i = 0; i < got.data.length; i += 4) {
          for (let c = 0; c < 3; c++) {
            if (Math.abs(got.data[i + c]! - want.data[i + c]!) > CHANNEL_TOLERANCE) {
              differing++;
              break;
            }
          }
        }
      }
      if (differing > PIXEL_TOLERANCE * set.width * set.height) {
        if (UPDATE) {
          writeFileSync(file, png);
          rmSync(actualFile, { force: true });
        } else {
          writeFileSync(actualFile, png);
          failures.push(`${shot.name}: ${differing} pixels differ; compare ${file} with ${actualFile}`);
        }
      } else {
        rmSync(actualFile, { force: true });
      }
    }
    assert.equal(failures, []);
  });
}

test.run();

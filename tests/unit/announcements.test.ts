/**
 * The village's news on the idle screen (village.announcements): shown in turn under the call
 * to action, gone after its `until` day, never larger than the call to action nor hiding it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { loadConfig } from '../../src/config/load-config.ts';
import { layoutScreen, type TextItem } from '../../src/display/layout.ts';
import { screenFor } from '../../src/display/screens.ts';
import { context, NOW, state, village } from '../support/display-fixtures.ts';

const news = [
  { text: 'Posyandu balita hari Kamis di balai dusun', until: '2024-10-20' },
  { text: 'Kerja bakti Minggu pagi', until: null },
  { text: 'Pendaftaran bantuan sudah ditutup', until: '2024-10-01' },
];
const ctxAt = (ms: number) =>
  context({ village: { ...village, announcements: news }, now: new Date(NOW.getTime() + ms) });

test('live announcements in turn (20 s each), the expired one never', () => {
  const shown = new Set<string>();
  for (let k = 0; k < 6; k++) {
    const lines = screenFor(state({ name: 'idle' }), ctxAt(k * 20_000)).lines;
    const line = lines.find((l) => l.startsWith('Pengumuman: '));
    assert.ok(line, `announcement shown at step ${k}`);
    shown.add(line ?? '');
  }
  assert.equal([...shown].sort(), [
    'Pengumuman: Kerja bakti Minggu pagi',
    'Pengumuman: Posyandu balita hari Kamis di balai dusun',
  ]);
  const later = context({
    village: { ...village, announcements: news },
    now: new Date('2024-10-25T02:30:00Z'),
  });
  assert.ok(
    screenFor(state({ name: 'idle' }), later).lines.every((l) => !l.includes('Posyandu')),
    'past its until day',
  );
  assert.not.ok(screenFor(state({ name: 'idle' }), context()).lines.some((l) => l.startsWith('Pengumuman')));
});

test('the call to action stays the largest text and on screen; the news gives way on a small panel', () => {
  const long = { text: 'Pemberitahuan: '.repeat(8).trim(), until: null };
  for (const [w, h] of [
    [320, 240],
    [480, 320],
    [800, 480],
  ] as const) {
    const ctx = context({ village: { ...village, announcements: [long] } });
    const layout = layoutScreen(screenFor(state({ name: 'idle' }), ctx), { width: w, height: h });
    const texts = layout.items.filter((i): i is TextItem => i.kind === 'text' && i.text.trim() !== '');
    const cta = texts.find((t) => t.text === 'Tempelkan e-KTP Anda');
    assert.ok(cta, `${w}x${h}: call to action shown`);
    assert.is(cta?.size, Math.max(...texts.map((t) => t.size)), `${w}x${h}: call to action largest`);
    assert.not.ok(
      texts.some((t) => t.text.endsWith('…') && t.text.startsWith('Anjungan')),
      `${w}x${h}: nothing else cut for the news`,
    );
  }
});

test('config: announcements validate (text required, until as YYYY-MM-DD)', () => {
  const load = (announcements: unknown) =>
    loadConfig({
      path: undefined,
      env: { ANJUNGAN_VILLAGE_ANNOUNCEMENTS: JSON.stringify(announcements) },
      defaultPath: '/nonexistent.json',
    });
  assert.equal(load([{ text: 'Rapat desa', until: '2024-10-20' }]).config.village.announcements, [
    { text: 'Rapat desa', until: '2024-10-20' },
  ]);
  assert.throws(() => load([{ until: '2024-10-20' }]), /required property 'text'/);
  assert.throws(() => load([{ text: 'x', until: '20-10-2024' }]), /announcements\.0\.until/);
});

test.run();

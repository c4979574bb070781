/**
 * The kiosk's own log file and what `cmd/logs` makes of it: rotation keeps the disk use bounded,
 * the reply is capped at 256 KiB (oldest lines dropped), `since` and `max_lines` select, and no
 * line leaves with a NIK, masked or not.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RotatingLogFile } from '../../src/log-file.ts';
import { collectLogs, MAX_LOG_REPLY_BYTES, sanitizeLogLine } from '../../src/mqtt/remote-logs.ts';
import { tmpDir } from '../support/store-helpers.ts';

const line = (time: string, msg: string, extra: Record<string, unknown> = {}) =>
  `${JSON.stringify({ level: 30, time, msg, ...extra })}\n`;

test('the log rotates by size and never keeps more than four files', () => {
  const dir = tmpDir();
  const log = new RotatingLogFile(dir, 10_000, 3);
  for (let i = 0; i < 2000; i++) log.write(line('2026-12-04T10:00:00.000Z', `line ${i}`));
  const files = readdirSync(dir).sort();
  assert.equal(files, ['kiosk.log', 'kiosk.log.1', 'kiosk.log.2', 'kiosk.log.3']);
  for (const f of files) assert.ok(statSync(path.join(dir, f)).size <= 10_000, f);
});

test('personal fields are dropped, the resident reference kept, NIK shapes blanked', () => {
  const out = sanitizeLogLine(
    line('2026-12-04T10:00:00.000Z', 'letter printed for 1809104507850001 (************0001)', {
      nik: '************0001',
      nama: 'Budi',
      resident_ref: 'r-4f2a',
    }),
  );
  const parsed = JSON.parse(out);
  assert.is(parsed.nik, undefined);
  assert.is(parsed.nama, undefined);
  assert.is(parsed.resident_ref, 'r-4f2a');
  assert.is(parsed.msg, 'letter printed for [nik] ([nik])');
  assert.is(sanitizeLogLine('not json 1809104507850001'), 'not json [nik]');
});

test('since and max_lines select; the newest lines are kept', () => {
  const dir = tmpDir();
  const log = new RotatingLogFile(dir);
  for (let i = 0; i < 50; i++)
    log.write(line(`2026-12-04T10:${String(i).padStart(2, '0')}:00.000Z`, `n${i}`));
  const decode = (r: { data: string }) =>
    gunzipSync(Buffer.from(r.data, 'base64')).toString().trim().split('\n');
  const last = collectLogs(dir, { max_lines: 5 });
  assert.equal(
    decode(last).map((l) => JSON.parse(l).msg),
    ['n45', 'n46', 'n47', 'n48', 'n49'],
  );
  const since = collectLogs(dir, { since: '2026-12-04T10:40:00Z' });
  assert.is(since.lines, 10);
  assert.throws(() => collectLogs(dir, { max_lines: 0 }), /max_lines/);
  assert.throws(() => collectLogs(dir, { since: 'yesterday' }), /since/);
});

test('a reply never exceeds 256 KiB: the oldest lines go', () => {
  const dir = tmpDir();
  const log = new RotatingLogFile(dir, 10 * 1024 * 1024);
  // Random text does not compress: 2,000 lines of ~300 bytes cannot fit.
  for (let i = 0; i < 2000; i++)
    log.write(line('2026-12-04T10:00:00.000Z', `${i} ${randomBytes(150).toString('hex')}`));
  const r = collectLogs(dir, { max_lines: 2000 });
  assert.ok(r.data.length <= MAX_LOG_REPLY_BYTES, `${r.data.length}`);
  assert.is(r.truncated, true);
  assert.ok(r.lines > 100 && r.lines < 2000);
  const lines = gunzipSync(Buffer.from(r.data, 'base64')).toString().trim().split('\n');
  assert.match(JSON.parse(lines.at(-1) ?? '{}').msg, /^1999 /, 'the newest line is there');
});

test.run();

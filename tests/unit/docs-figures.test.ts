/**
 * One source for figures (CONTRACTS "Figures"): the fleet table in docs/mqtt.md quotes
 * docs/bench-results.json, key by key, and must not drift from it.
 */
import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';

const results = JSON.parse(readFileSync('docs/bench-results.json', 'utf8')) as {
  results: { fleet: Record<string, number> };
};

test('every figure in the fleet table of docs/mqtt.md is the value of its key in bench-results.json', () => {
  const doc = readFileSync('docs/mqtt.md', 'utf8');
  const section = doc.slice(doc.indexOf('## Fleet figures'));
  const rows = [...section.matchAll(/^\| [^|]+ \| `([a-z0-9_]+)` \| ([0-9,.]+)(?: [A-Za-z/]+)? \|$/gm)];
  assert.ok(rows.length >= 6, `the table has its rows (${rows.length} found)`);
  const fleet = results.results.fleet;
  for (const [, key, shown] of rows) {
    assert.ok(key! in fleet, `${key} is a key of results.fleet`);
    assert.is(Number(shown!.replaceAll(',', '')), fleet[key!], key);
  }
  const figures = section.split('\n').filter((l) => /^\| [^-|]/.test(l) && !l.startsWith('| figure'));
  assert.is(figures.length, rows.length, 'no figure without its key');
});

test.run();

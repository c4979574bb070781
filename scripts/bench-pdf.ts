/**
 * The A4 letter PDF: render time of one letter (pdfkit, shipped fonts, vector QR), after one
 * warm-up render, and its size. Run it under ../shared/tools/pi-budget for the Pi-class figure.
 */
import { generateKeyPairSync } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { renderLetterPdf } from '../src/letters/letter-pdf.ts';
import { sampleIssuedLetter } from '../tests/support/archived-letter.ts';
import { percentile, round } from './bench-stats.ts';

const RUNS = 30;

export async function benchPdf(): Promise<Record<string, number>> {
  const key = generateKeyPairSync('ed25519');
  const letter = sampleIssuedLetter(key.privateKey, 'domisili');
  let pdf = await renderLetterPdf(letter); // warm-up: font parsing, JIT
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    pdf = await renderLetterPdf(letter);
    times.push(performance.now() - t0);
  }
  return {
    letter_pdf_render_median_ms: round(percentile(times, 50), 1),
    letter_pdf_render_p99_ms: round(percentile(times, 99), 1),
    letter_pdf_kib: round(pdf.length / 1024, 1),
  };
}

if (process.argv[1]?.endsWith('bench-pdf.ts')) console.log(JSON.stringify(await benchPdf()));

/**
 * Reading PDFs back with poppler-utils (`pdftotext`, `pdftoppm`), as a person would see them.
 * Missing tools: null with a SKIP line, unless CI=true, where it is a failure.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

export function popplerAvailable(): boolean {
  const found = spawnSync('sh', ['-c', 'command -v pdftotext && command -v pdftoppm']).status === 0;
  if (!found) {
    const message = 'poppler-utils is not installed (apt-get install poppler-utils)';
    if (process.env.CI === 'true') throw new Error(`${message} and CI=true`);
    console.warn(`SKIP: ${message}`);
  }
  return found;
}

function withFile<T>(pdf: Buffer, run: (file: string, dir: string) => T): T {
  const dir = mkdtempSync(path.join(tmpdir(), 'anj-pdf-'));
  try {
    const file = path.join(dir, 'in.pdf');
    writeFileSync(file, pdf);
    return run(file, dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The text of every page, in reading layout. */
export function pdfText(pdf: Buffer): string {
  return withFile(pdf, (file) => execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' }));
}

/** Number of pages. */
export function pdfPages(pdf: Buffer): number {
  return withFile(pdf, (file) => {
    const info = execFileSync('pdfinfo', [file], { encoding: 'utf8' });
    return Number(/^Pages:\s+(\d+)/m.exec(info)?.[1] ?? 0);
  });
}

/** Page 1 as a PNG at `dpi`, what a printer would put on paper. */
export function pdfFirstPagePng(pdf: Buffer, dpi = 150): Buffer {
  return withFile(pdf, (file, dir) => {
    execFileSync('pdftoppm', [
      '-r',
      String(dpi),
      '-f',
      '1',
      '-l',
      '1',
      '-png',
      '-singlefile',
      file,
      path.join(dir, 'p'),
    ]);
    return readFileSync(path.join(dir, 'p.png'));
  });
}

/**
 * `npm run build:verify`: the letter verification page as ONE self-contained HTML file
 * (script and style inline, no third-party request) plus its service worker:
 *
 *   web/verify/{index.html,style.css,main.ts,sw.ts} → dist/verify/index.html, dist/verify/sw.js
 *
 * The page's key list is a placeholder here; `anjungan district keylist build --out DIR` embeds
 * the district's signed list and writes the deployable site. The inline script is allowed by its
 * SHA-256 in the page's Content-Security-Policy, so nothing else can run in it.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const web = path.join(root, 'web', 'verify');
const out = path.join(root, 'dist', 'verify');

async function bundle(entry: string): Promise<string> {
  const result = await build({
    entryPoints: [path.join(web, entry)],
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: ['es2020'],
    minify: true,
    legalComments: 'none',
    write: false,
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error(`esbuild wrote nothing for ${entry}`);
  return file.text;
}

export async function buildVerifyPage(): Promise<{ html: string; sw: string }> {
  const [template, style, script, sw] = await Promise.all([
    readFile(path.join(web, 'index.html'), 'utf8'),
    readFile(path.join(web, 'style.css'), 'utf8'),
    bundle('main.ts'),
    bundle('sw.ts'),
  ]);
  // A "</script" inside a string literal would end the element early.
  const inline = script.replace(/<\/script/gi, '<\\/script');
  const hash = createHash('sha256').update(inline, 'utf8').digest('base64');
  const html = template
    .replace('/*STYLE*/', () => style.trim())
    .replace('SCRIPT_HASH', `'sha256-${hash}'`)
    .replace('<!--SCRIPT-->', () => `<script>${inline}</script>`);
  await mkdir(out, { recursive: true });
  await writeFile(path.join(out, 'index.html'), html);
  await writeFile(path.join(out, 'sw.js'), sw);
  return { html, sw };
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const { html, sw } = await buildVerifyPage();
  console.log(
    `dist/verify/index.html ${(Buffer.byteLength(html) / 1024).toFixed(1)} KiB, sw.js ${(Buffer.byteLength(sw) / 1024).toFixed(1)} KiB`,
  );
}

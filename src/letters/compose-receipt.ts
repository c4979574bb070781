/**
 * The resident's slip from the receipt printer when the letter itself comes out of an A4 printer:
 * which letter (number, type, date), where to take it, the same QR as the letter. No NIK, no
 * name: the slip is easily lost.
 */
import type { VillageConfig } from '../config/config.ts';
import { qrCaption, qrContent } from './compose-letter.ts';
import type { LetterType } from './letter-type.ts';
import type { PrintBlock, PrintDocument } from './print-document.ts';
import { kepalaDesa, sebutanDesa } from './template.ts';
import { formatTanggal, toAscii } from './text-layout.ts';

export interface ReceiptContext {
  village: VillageConfig;
  type: LetterType;
  number: string;
  issuedAt: Date;
  token: string;
  verifyUrl: string | null;
  columns: 32 | 48;
}

export function composeReceipt(ctx: ReceiptContext): PrintDocument {
  const { village, type, columns } = ctx;
  const desa = `${sebutanDesa(village)} ${village.name}`;
  const a = (s: string) => toAscii(s);
  const field = (label: string, value: string): PrintBlock => ({
    kind: 'field',
    label,
    value: a(value),
    labelWidth: 8,
  });
  const blocks: PrintBlock[] = [
    { kind: 'text', text: a(`ANJUNGAN ${desa}`.toUpperCase()), align: 'center', bold: true },
    { kind: 'text', text: 'TANDA TERIMA SURAT', align: 'center', bold: true },
    { kind: 'rule', char: '=' },
    field('Nomor', ctx.number),
    field('Surat', type.title),
    field('Tanggal', formatTanggal(ctx.issuedAt)),
    { kind: 'feed', lines: 1 },
    { kind: 'text', text: 'Surat Anda dicetak di printer A4: ambil surat di printer A4.', align: 'left' },
  ];
  if (type.policy === 'pengantar') {
    blocks.push({
      kind: 'text',
      text: a(`Surat pengantar: bawa ke Kantor ${desa} untuk ditandatangani dan dicap.`),
    });
  }
  blocks.push(
    { kind: 'feed', lines: 1 },
    {
      kind: 'qr',
      data: qrContent(ctx.token, ctx.verifyUrl),
      caption: a(qrCaption(`Kantor ${desa}`, desa, kepalaDesa(village), ctx.verifyUrl)),
    },
    { kind: 'feed', lines: 2 },
    { kind: 'cut' },
  );
  return { title: 'TANDA TERIMA SURAT', columns, blocks };
}

/**
 * `anjungan print-test`: probes the configured printer and prints a test page (status, paper
 * width, a column ruler, bold and double-size text, a QR code, the cut), so a technician can
 * check paper, head width and cutter without issuing a numbered letter.
 */
import { join } from 'node:path';
import type { Config } from '../config/config.ts';
import { KioskError } from '../errors.ts';
import { canPrint, type Printer, type PrinterStatus } from '../hardware/printer.ts';
import type { PrintDocument } from '../letters/print-document.ts';
import { localIso } from '../letters/register.ts';
import type { Logger } from '../log.ts';
import { VERSION } from '../version.ts';
import type { Command } from './command.ts';
import { CONFIG_HELP, CONFIG_OPTION, openContext, parseCommandArgs, usageError } from './context.ts';

const HELP = `Usage: anjungan print-test [--status-only] [--cups] [--config FILE]

Asks the configured printer for its status (paper, cover, connection) and prints a test page:
village and device, printer status, paper width, a column ruler, bold and double-size text, a QR
code and the cut. Stop the kiosk first if it holds the printer (sudo systemctl stop anjungan).

Options:
  --status-only   only report the printer's status; print nothing
  --cups          use the A4 printer through CUPS (hardware.printer.cups_queue, default queue
                  "A4") whatever hardware.printer.driver says: an A4 test page
${CONFIG_HELP}

Exit codes: 0 printed (or ready, with --status-only), 1 the printer cannot print, 2 wrong usage.`;

const ADVICE: Record<PrinterStatus, string> = {
  ready: 'ready',
  paper_near_end: 'paper near its end: bring a new roll soon',
  paper_out: 'paper out: load a new paper roll',
  cover_open: 'cover open: close the printer cover',
  offline:
    'offline: check its power and cable, hardware.printer.interface (CUPS: the queue is stopped or unknown; lpstat -p)',
};

const printTest: Command = {
  name: 'print-test',
  summary: "print a test page with the printer's status",
  help: HELP,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(
      argv,
      { ...CONFIG_OPTION, 'status-only': { type: 'boolean' }, cups: { type: 'boolean' } },
      'print-test',
    );
    if (positionals.length > 0) throw usageError(`unexpected argument '${positionals[0]}'`, 'print-test');
    const ctx = openContext(io, values.config);
    const cups = values.cups === true || ctx.config.hardware.printer.driver === 'cups';
    const printer = await openPrinter(ctx.config, ctx.logger, cups);
    try {
      await printer.start();
      const status = await printer.probe();
      io.stdout.write(`printer: ${printer.describe()}\nstatus: ${ADVICE[status]}\n`);
      if (!canPrint(status)) {
        throw new KioskError('printer_offline', `the printer cannot print now (${ADVICE[status]})`);
      }
      if (values['status-only']) return 0;
      const id = `test-${Date.now()}`;
      const document = testPage(ctx.config, printer, status);
      const pdf = async (paper: 'a4' | 'f4') =>
        (await import('../letters/document-pdf.ts')).renderDocumentPdf(document, paper);
      await printer.print({ id, document, pdf });
      io.stdout.write(
        (cups
          ? `test page printed on ${ctx.config.hardware.printer.page_size.toUpperCase()}`
          : `test page printed (${printer.paperMm} mm, ${columnsOf(printer)} columns)`) +
          `${ctx.config.hardware.printer.driver === 'sim' ? `: ${join(ctx.config.data_dir, 'sim', 'prints', `${id}.bin`)}` : ''}\n`,
      );
      return 0;
    } finally {
      await printer.stop();
    }
  },
};

export default printTest;

function columnsOf(printer: Printer): 32 | 48 {
  return printer.paperMm === 80 ? 48 : 32;
}

/** Only the printer, per `hardware.printer.driver` (or the CUPS one with --cups). */
async function openPrinter(config: Config, logger: Logger, cups: boolean): Promise<Printer> {
  const cfg = config.hardware.printer;
  if (cups) {
    const { CupsPrinter } = await import('../hardware/printer.cups.ts');
    return new CupsPrinter(cfg, logger);
  }
  if (cfg.driver === 'escpos') {
    return (await import('../hardware/printer.escpos.ts')).createEscposPrinter(cfg, {
      nativeQr: config.letters.native_qr,
      logger,
    });
  }
  const { SimPrinter } = await import('../hardware/printer.sim.ts');
  return new SimPrinter({
    dir: join(config.data_dir, 'sim', 'prints'),
    paperMm: cfg.paper_mm,
    nativeQr: config.letters.native_qr,
    logger,
  });
}

function testPage(config: Config, printer: Printer, status: PrinterStatus): PrintDocument {
  const columns = columnsOf(printer);
  const ruler = '1234567890'.repeat(5).slice(0, columns);
  const v = config.village;
  const field = (label: string, value: string) => ({ kind: 'field' as const, label, value, labelWidth: 9 });
  return {
    title: 'PRINTER TEST PAGE',
    columns,
    blocks: [
      { kind: 'text', text: 'ANJUNGAN', align: 'center', bold: true, size: 'double' },
      { kind: 'text', text: 'HALAMAN UJI PRINTER', align: 'center', bold: true },
      { kind: 'rule' },
      field('Village', `${v.kind.toUpperCase()} ${v.name.toUpperCase()} (${v.code})`),
      field('Device', config.device.id),
      field('Time', localIso(new Date()).slice(0, 19).replace('T', ' ')),
      field('Software', `anjungan ${VERSION}`),
      field('Printer', printer.describe()),
      field('Status', status),
      field('Paper', `${printer.paperMm} mm, ${columns} columns`),
      { kind: 'rule' },
      { kind: 'text', text: ruler },
      { kind: 'text', text: `${'<'.padEnd(columns - 1, '-')}>` },
      { kind: 'text', text: 'Bold text', bold: true },
      { kind: 'text', text: 'Double size', size: 'double' },
      { kind: 'text', text: 'left', align: 'left' },
      { kind: 'text', text: 'center', align: 'center' },
      { kind: 'text', text: 'right', align: 'right' },
      { kind: 'qr', data: `ANJUNGAN TEST ${config.device.id} ${v.code}`, caption: 'QR test' },
      { kind: 'text', text: 'If every line above is complete, the printer is set up right.', align: 'left' },
      { kind: 'feed', lines: 3 },
      { kind: 'cut' },
    ],
  };
}

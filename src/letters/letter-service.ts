/**
 * Issues one letter, in the only order that never gives a number twice nor loses one:
 *
 *   clock trusted? → printer ready? → register.reserve (fsynced, status printing; refused when
 *   dated before the newest entry: the clock went back since the guard's last look)
 *     → sign (AJ2 token) + keep the content (letters/<id>.json) + compose → printer.print
 *     → register.markPrinted | markFailed → bus event
 *
 * Everything before `reserve` refuses without touching the register; everything after it ends
 * the entry `printed` or `failed` (a power cut in between leaves it `printing`, which the next
 * start reports as interrupted and never reuses).
 */

import type { Config } from '../config/config.ts';
import { errorMessage, isKioskError } from '../errors.ts';
import type { KioskBus } from '../events.ts';
import type { IssueOutcome } from '../flows/flow-runner.ts';
import { canPrint, type Printer } from '../hardware/printer.ts';
import type { Logger } from '../log.ts';
import type { DeviceKeys } from '../store/keys.ts';
import { maskNik } from '../store/resident.ts';
import type { ResidentLookup } from '../store/resident-lookup.ts';
import { isNoSpace, type StorageGuard } from '../store/storage-guard.ts';
import { composeLetter } from './compose-letter.ts';
import { composeReceipt } from './compose-receipt.ts';
import { archiveLetter } from './letter-archive.ts';
import type { PaperSize } from './letter-pdf.ts';
import type { LetterType } from './letter-type.ts';
import { type LetterRegister, localDay, type RegisterEntry } from './register.ts';
import { addDays } from './text-layout.ts';
import { signToken } from './verification-token.ts';

export interface LetterServiceDeps {
  config: Config;
  store: ResidentLookup;
  register: LetterRegister;
  types: ReadonlyMap<string, LetterType>;
  printer: Printer;
  /** Optional slip printer beside an A4 letter printer; its faults never fail a letter. */
  receiptPrinter?: Printer | null;
  keys: DeviceKeys;
  bus: KioskBus;
  clockTrusted: () => boolean;
  /** The register refused a letter dated before its newest entry (the clock jumped back). */
  onClockRefused?: () => void;
  /** Free space in the data directory: measured before a number is taken, told of a full disk. */
  storage?: Pick<StorageGuard, 'checkNow' | 'noteFull'>;
  now: () => Date;
  logger: Logger;
  logo: Buffer | null;
}

export interface IssueRequest {
  resident_ref: string;
  letter_type: string;
  purpose: string;
}

export class LetterService {
  constructor(private readonly deps: LetterServiceDeps) {}

  async issue(req: IssueRequest, onProgress: (fraction: number) => void): Promise<IssueOutcome> {
    const { store, register, printer, bus, logger, config } = this.deps;
    const type = this.deps.types.get(req.letter_type);
    const resident = store.byRef(req.resident_ref);
    if (!type || !resident) {
      const reason = !type ? 'letter_type_unknown' : 'resident_not_found';
      logger.error({ letter_type: req.letter_type, reason }, 'letter refused before numbering');
      return { kind: 'failed', number: null, reason };
    }
    if (!this.deps.clockTrusted()) {
      logger.warn({ letter_type: type.id }, 'letter refused: clock not trusted');
      return { kind: 'failed', number: null, reason: 'clock_untrusted' };
    }
    const status = await printer.probe();
    if (!canPrint(status)) {
      logger.warn({ letter_type: type.id, printer: status }, 'letter refused: printer not ready');
      return { kind: 'not_ready', printer: status };
    }
    if (this.deps.storage && !(await this.deps.storage.checkNow()).ok) {
      logger.warn({ letter_type: type.id }, 'letter refused: storage almost full');
      return { kind: 'failed', number: null, reason: 'storage_full' };
    }
    const issuedAt = this.deps.now();
    let entry: RegisterEntry;
    try {
      entry = await register.reserve({
        letter_type: type.id,
        code: type.code,
        resident_ref: req.resident_ref,
        nik_masked: maskNik(resident.nik),
        purpose: req.purpose,
        policy: type.policy,
        at: issuedAt,
      });
    } catch (err) {
      if (isNoSpace(err)) {
        // The threshold raced: the register cut its partial line off, so no number was taken.
        this.deps.storage?.noteFull(register.file);
        logger.error({ letter_type: type.id }, 'letter refused: the disk is full, no number was taken');
        return { kind: 'failed', number: null, reason: 'storage_full' };
      }
      if (!isKioskError(err, 'clock_untrusted')) throw err;
      // The clock went back since the guard last looked: let it look now, so the kiosk goes out
      // of service instead of refusing one resident after another.
      logger.warn(
        { letter_type: type.id, err: err.message },
        'letter refused by the register: clock went back',
      );
      this.deps.onClockRefused?.();
      return { kind: 'failed', number: null, reason: 'clock_untrusted' };
    }
    // nik (masked) for the village's own journal; resident_ref is what `cmd/logs` keeps of it.
    const log = logger.child({
      number: entry.number,
      letter_type: type.id,
      nik: maskNik(resident.nik),
      resident_ref: req.resident_ref,
    });
    let token = '';
    try {
      token = signToken(
        {
          number: entry.number,
          type: type.id,
          policy: type.policy,
          issued: localDay(issuedAt),
          valid_until: type.validity_days > 0 ? localDay(addDays(issuedAt, type.validity_days)) : null,
          village: config.village.code,
          device: config.device.id,
          key_id: this.deps.keys.keyId,
          resident_ref: req.resident_ref,
        },
        this.deps.keys.signingKey,
      );
      const issued = {
        id: entry.id,
        number: entry.number,
        type,
        village: config.village,
        resident,
        purpose: req.purpose,
        issued_at: entry.issued_at,
        token,
        verify_url: config.letters.verify_url,
      };
      // Kept before printing: `letters pdf` reproduces exactly this letter, whatever changes later.
      await archiveLetter(config.data_dir, issued, this.deps.logo);
      const document = composeLetter({
        village: config.village,
        resident,
        type,
        number: entry.number,
        purpose: req.purpose,
        issuedAt,
        token,
        verifyUrl: config.letters.verify_url,
        columns: printer.paperMm === 80 ? 48 : 32,
        logo: this.deps.logo,
      });
      // Loaded only when a page printer asks: a thermal kiosk never pays for pdfkit.
      const pdf = async (paper: PaperSize) =>
        (await import('./letter-pdf.ts')).renderLetterPdf(
          { v: 1, ...issued, logo: null },
          { paper, logo: this.deps.logo },
        );
      await printer.print({ id: entry.id, document, onProgress, pdf });
    } catch (err) {
      const reason = isKioskError(err) ? err.code : isNoSpace(err) ? 'storage_full' : 'print_error';
      log.error({ reason, err: errorMessage(err) }, 'letter failed while printing');
      if (isNoSpace(err)) this.deps.storage?.noteFull(config.data_dir);
      await this.#mark(() => register.markFailed(entry.id, reason, this.deps.now()), log);
      bus.emitEvent({ type: 'letter_failed', number: entry.number, letter_type: type.id, reason });
      return { kind: 'failed', number: entry.number, reason };
    }
    await this.#mark(() => register.markPrinted(entry.id, this.deps.now()), log);
    log.info({ policy: type.policy }, 'letter printed');
    await this.#printReceipt(entry.id, type, entry.number, issuedAt, token, log);
    bus.emitEvent({
      type: 'letter_issued',
      number: entry.number,
      letter_type: type.id,
      policy: type.policy,
      resident_ref: req.resident_ref,
    });
    return { kind: 'printed', number: entry.number };
  }

  /**
   * Records a letter's outcome. A full disk can refuse even this short line: the entry then stays
   * `printing` on disk (the next start marks it interrupted, its number never reused), the
   * resident is told what happened all the same, and the kiosk goes out of service.
   */
  async #mark(write: () => Promise<unknown>, log: Logger): Promise<void> {
    try {
      await write();
    } catch (err) {
      if (!isNoSpace(err)) throw err;
      log.error({ err: errorMessage(err) }, 'letter outcome not recorded: the disk is full');
      this.deps.storage?.noteFull(this.deps.register.file);
    }
  }

  /**
   * The resident's slip on the receipt printer. Its faults are logged and the slip skipped: the
   * letter is printed and registered already (the printer's status tells the district why).
   */
  async #printReceipt(
    id: string,
    type: LetterType,
    number: string,
    issuedAt: Date,
    token: string,
    log: Logger,
  ): Promise<void> {
    const receipt = this.deps.receiptPrinter;
    if (!receipt) return;
    const status = await receipt.probe();
    if (!canPrint(status)) {
      log.warn({ receipt_printer: status }, 'receipt slip skipped: the receipt printer cannot print');
      return;
    }
    try {
      const document = composeReceipt({
        village: this.deps.config.village,
        type,
        number,
        issuedAt,
        token,
        verifyUrl: this.deps.config.letters.verify_url,
        columns: receipt.paperMm === 80 ? 48 : 32,
      });
      await receipt.print({ id: `${id}-receipt`, document });
    } catch (err) {
      log.warn({ err: errorMessage(err) }, 'receipt slip failed; the letter itself is printed');
    }
  }
}

/**
 * Flow state → screen model: what each screen says. Pure; all words come from text-id.ts.
 * The model never carries a full NIK: a greeting shows only the last 4 digits, taken from the
 * already-masked summary (and cut to 4 digits again here, in case a caller passed more).
 */
import type { Announcement, VillageConfig } from '../config/config.ts';
import { BIRTH_DATE_TRIES, pickerLength, pickerValue } from '../flows/birth-date.ts';
import { CANCELLABLE } from '../flows/kiosk-flow.ts';
import type { KioskState, LetterOffer, ResidentSummary, Screen, Session } from '../flows/kiosk-state.ts';
import type { AnnouncementImages } from './announcement-images.ts';
import type { ScreenModel, StatusBar, TouchOptions } from './screen-model.ts';
import {
  CARD_ERROR,
  DAYS,
  FOOTER,
  HINT,
  MONTHS,
  NETWORK,
  NO_TIME,
  OUT_OF_SERVICE,
  POLICY,
  PRINT_FAILURE,
  PRINTER_STATUS,
  RATING_LABELS,
  TEXT,
  VILLAGE_KIND,
} from './text-id.ts';

export interface ScreenContext {
  village: VillageConfig;
  now: Date;
  /** MQTT link: 'none' when reporting is not configured (nothing shown). */
  network: 'online' | 'offline' | 'none';
  paperMm?: number;
  /** IANA zone for the clock ("Asia/Jakarta"); default: the system's local zone. */
  timeZone?: string;
  /** Where the card reader is, said on idle (`hardware.reader.location_hint`). */
  readerHint?: string | null;
  /** Spoken prompts are on: a touch panel offers *Ulangi* where something is said. */
  speech?: boolean;
  /** The kiosk has a touch panel: lay screens out for fingers (see layout-touch.ts). */
  touch?: TouchOptions;
  /** The announcements' pictures, decoded (announcement-images.ts); a missing one: text only. */
  announcementImages?: AnnouncementImages;
}

type Body = Pick<
  ScreenModel,
  'tone' | 'title' | 'lines' | 'optional_from' | 'menu' | 'progress' | 'hints' | 'footer' | 'image'
>;

/** Builds the model of the current screen. Every Screen variant has one. */
export function screenFor(state: KioskState, ctx: ScreenContext): ScreenModel {
  const body = bodyFor(state.screen, ctx, state.health.clock_trusted);
  const model: ScreenModel = { id: state.screen.name, ...body, status: statusBar(state, ctx) };
  if (state.screen.page) model.page = state.screen.page;
  if (ctx.touch) {
    model.touch = ctx.touch;
    // *Batal* on every step of a session, unless going back already is cancelling (greeting).
    if (CANCELLABLE.has(state.screen.name) && model.hints.back !== HINT.cancel) model.cancel = HINT.cancel;
    // Where a resident acts (some button does something), they may want the words again.
    if (ctx.speech && Object.keys(model.hints).length > 0) model.repeat = HINT.repeat;
  }
  return model;
}

function bodyFor(screen: Screen, ctx: ScreenContext, clockTrusted: boolean): Body {
  switch (screen.name) {
    case 'idle': {
      // The call to action is the title: the largest text on the screen, then where to tap.
      const lines: string[] = [ctx.readerHint || TEXT.tapWhere];
      lines.push(TEXT.kioskOf(VILLAGE_KIND[ctx.village.kind], ctx.village.name));
      if (clockTrusted) lines.push(longDate(ctx.now, ctx.timeZone));
      // The village's news comes last and goes first when room is short: never over the call to action.
      const news = clockTrusted ? currentAnnouncement(ctx) : null;
      const optional_from = lines.length;
      if (news) lines.push(TEXT.announcement(news.text));
      const image = news?.image ? ctx.announcementImages?.get(news.image) : undefined;
      const idle: Body = {
        tone: 'normal',
        title: TEXT.tapCard,
        lines,
        optional_from,
        hints: {},
        footer: FOOTER.idle,
      };
      if (image) idle.image = image;
      return idle;
    }
    case 'reading':
      return {
        tone: 'normal',
        title: TEXT.readingTitle,
        lines: [TEXT.readingLine],
        hints: { back: HINT.cancel },
      };
    case 'greeting': {
      const r = screen.session.resident;
      return {
        tone: 'normal',
        title: TEXT.greetingTitle,
        lines: [r.nama, ...identityLines(r), TEXT.greetingAsk],
        optional_from: 1 + identityLines(r).length,
        hints: { ok: HINT.next, back: HINT.cancel },
      };
    }
    case 'choose_letter': {
      const { offers, letter_index } = screen.session;
      if (offers.length === 0) {
        return {
          tone: 'warning',
          title: TEXT.chooseLetterTitle,
          lines: [TEXT.noLetters],
          hints: { back: HINT.back },
        };
      }
      return {
        tone: 'normal',
        title: TEXT.chooseLetterTitle,
        lines: [],
        menu: { items: offers.map((o) => o.menu_label), selected: clampIndex(letter_index, offers.length) },
        hints: { up: HINT.choose, down: HINT.choose, ok: HINT.next, back: HINT.back },
      };
    }
    case 'choose_purpose': {
      const offer = currentOffer(screen.session);
      const purposes = offer?.purposes ?? [];
      return {
        tone: 'normal',
        title: TEXT.choosePurposeTitle,
        lines: offer ? [offer.menu_label] : [],
        menu: { items: purposes, selected: clampIndex(screen.session.purpose_index, purposes.length) },
        hints: { up: HINT.choose, down: HINT.choose, ok: HINT.next, back: HINT.back },
      };
    }
    case 'confirm': {
      const offer = currentOffer(screen.session);
      const lines = offer
        ? [
            TEXT.letterLine(offer.menu_label),
            TEXT.purposeLine(currentPurpose(screen.session)),
            POLICY[offer.policy].confirm,
          ]
        : [];
      return {
        tone: 'normal',
        title: TEXT.confirmTitle,
        lines: [...lines, TEXT.confirmAsk],
        optional_from: lines.length,
        hints: { ok: HINT.print, back: HINT.back },
      };
    }
    case 'printing':
      return {
        tone: 'normal',
        title: TEXT.printingTitle,
        lines: [currentOffer(screen.session)?.menu_label ?? '', TEXT.printingLine].filter((l) => l !== ''),
        progress: Math.min(1, Math.max(0, Number.isFinite(screen.progress) ? screen.progress : 0)),
        hints: {},
        footer: FOOTER.printing,
      };
    case 'done':
      if (screen.rating !== undefined) {
        // The question after the letter: three answers, skippable, a new card starts a new session.
        return {
          tone: 'success',
          title: TEXT.doneTitle,
          lines: [TEXT.takeLetter, TEXT.numberLine(screen.number), TEXT.ratingAsk],
          // On a small panel the answers speak for themselves: the question goes first.
          optional_from: 2,
          menu: { items: [...RATING_LABELS], selected: clampIndex(screen.rating, RATING_LABELS.length) },
          hints: { up: HINT.choose, down: HINT.choose, ok: HINT.send, back: HINT.skip },
        };
      }
      return {
        tone: 'success',
        title: TEXT.doneTitle,
        lines: [TEXT.takeLetter, TEXT.numberLine(screen.number), POLICY[screen.policy].done, TEXT.thanks],
        optional_from: 3,
        hints: { ok: HINT.finish },
      };
    case 'unknown_card':
      return {
        tone: 'warning',
        title: TEXT.unknownTitle,
        lines: [...TEXT.unknownLines],
        hints: { ok: HINT.close },
      };
    case 'birth_date': {
      const items = Array.from({ length: pickerLength(screen.part) }, (_, i) => {
        const value = pickerValue(screen, i);
        return screen.part === 'month' ? (MONTHS[value - 1] ?? '') : String(value);
      });
      const lines: string[] = [TEXT.birthDatePart[screen.part]];
      if (screen.tries > 0) lines.push(TEXT.birthDateRetry(BIRTH_DATE_TRIES - screen.tries));
      return {
        tone: screen.tries > 0 ? 'warning' : 'normal',
        title: TEXT.birthDateTitle,
        lines,
        menu: { items, selected: clampIndex(screen.selected, items.length) },
        hints: { up: HINT.choose, down: HINT.choose, ok: HINT.next, back: HINT.back },
      };
    }
    case 'birth_date_mismatch':
      return {
        tone: 'error',
        title: TEXT.mismatchTitle,
        lines: [...TEXT.mismatchLines],
        hints: { ok: HINT.close },
      };
    case 'card_pause':
      return {
        tone: 'warning',
        title: TEXT.pauseTitle,
        lines: TEXT.pauseLines(TEXT.duration(screen.pause_ms)),
        hints: {},
        footer: FOOTER.wait,
      };
    case 'card_error': {
      const text = CARD_ERROR[screen.reason];
      return { tone: 'warning', title: text.title, lines: [...text.lines], hints: { ok: HINT.close } };
    }
    case 'resident_inactive':
      return {
        tone: 'warning',
        title: TEXT.inactiveTitle,
        lines: [screen.resident.nama, TEXT.inactiveStatus(screen.status), TEXT.inactiveLine],
        hints: { ok: HINT.close },
      };
    case 'limit_reached': {
      const offer = currentOffer(screen.session);
      const label = offer?.menu_label ?? '';
      return {
        tone: 'warning',
        title: TEXT.limitTitle,
        lines: [TEXT.limitLine(label, offer?.issued_today ?? 0), TEXT.limitAdvice],
        hints: { ok: HINT.otherLetter, back: HINT.back },
      };
    }
    case 'record_incomplete':
      return {
        tone: 'warning',
        title: TEXT.incompleteTitle,
        lines: [TEXT.incompleteLine, screen.missing.join(', '), TEXT.incompleteAdvice],
        hints: { ok: HINT.otherLetter, back: HINT.back },
      };
    case 'printer_not_ready':
      return {
        tone: 'error',
        title: TEXT.notReadyTitle,
        lines: [PRINTER_STATUS[screen.printer], TEXT.notReadyLine, TEXT.notReadyAdvice],
        hints: { ok: HINT.back },
      };
    case 'print_failed': {
      const lines: string[] = [];
      const why = PRINT_FAILURE[screen.reason];
      if (why) lines.push(why);
      if (screen.number) lines.push(TEXT.failedNumber(screen.number), TEXT.failedAdviceWithNumber);
      else lines.push(TEXT.failedAdvice);
      return { tone: 'error', title: TEXT.failedTitle, lines, hints: { ok: HINT.close } };
    }
    case 'out_of_service': {
      // Every reason, not just the first: the technician who comes fixes all of them at once.
      const reasons = screen.reasons.map((r) =>
        r === 'remote' && screen.remote_reason ? screen.remote_reason : OUT_OF_SERVICE[r],
      );
      if (reasons.length === 0) reasons.push(OUT_OF_SERVICE.remote);
      return {
        tone: 'error',
        title: TEXT.outOfServiceTitle,
        lines: [...reasons, TEXT.outOfServiceAdvice],
        hints: {},
        footer: FOOTER.outOfService,
      };
    }
  }
}

/** How long each announcement stays before the next one (the idle screen is redrawn every 20 s). */
const ANNOUNCEMENT_MS = 20_000;

/** The announcement shown now: those not past their `until` day, in turn. */
function currentAnnouncement(ctx: ScreenContext): Announcement | null {
  const w = wallClock(ctx.now, ctx.timeZone);
  const today = `${w.year}-${String(w.month).padStart(2, '0')}-${String(w.day).padStart(2, '0')}`;
  const live = (ctx.village.announcements ?? []).filter((a) => !a.until || a.until >= today);
  if (live.length === 0) return null;
  return live[Math.floor(ctx.now.getTime() / ANNOUNCEMENT_MS) % live.length] ?? null;
}

/** "NIK ****1234" and the address line; never more than the last 4 digits. */
function identityLines(r: ResidentSummary): string[] {
  const digits = r.nik_masked.replace(/\D/g, '').slice(-4);
  const lines = [TEXT.nik(digits)];
  const address = TEXT.address(r.dusun, r.rt, r.rw);
  if (address) lines.push(address);
  return lines;
}

function currentOffer(session: Session): LetterOffer | undefined {
  return session.offers[session.letter_index];
}

function currentPurpose(session: Session): string {
  return currentOffer(session)?.purposes[session.purpose_index] ?? '';
}

function clampIndex(i: number, length: number): number {
  return length === 0 ? 0 : Math.min(length - 1, Math.max(0, i));
}

function statusBar(state: KioskState, ctx: ScreenContext): StatusBar {
  return {
    village: `${VILLAGE_KIND[ctx.village.kind]} ${ctx.village.name}`,
    printer: PRINTER_STATUS[state.health.printer],
    printer_ok: state.health.printer === 'ready',
    // Paper near its end still prints: a warning, not the red of a fault.
    printer_level:
      state.health.printer === 'ready' ? 'ok' : state.health.printer === 'paper_near_end' ? 'warn' : 'bad',
    network: ctx.network === 'none' ? '' : NETWORK[ctx.network],
    network_ok: ctx.network !== 'offline',
    time: state.health.clock_trusted ? clockTime(ctx.now, ctx.timeZone) : NO_TIME,
  };
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** Local wall-clock parts in the kiosk's zone (cached formatters: this runs per frame). */
function wallClock(date: Date, timeZone: string | undefined) {
  const key = timeZone ?? '';
  let f = formatters.get(key);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: 'numeric',
      day: 'numeric',
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
    });
    formatters.set(key, f);
  }
  const parts: Record<string, string> = {};
  for (const p of f.formatToParts(date)) parts[p.type] = p.value;
  const weekday = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'].indexOf(parts.weekday ?? 'Sun');
  return {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    weekday: Math.max(0, weekday),
    hh: (parts.hour ?? '00').padStart(2, '0'),
    mm: (parts.minute ?? '00').padStart(2, '0'),
  };
}

/** "14:05". */
export function clockTime(date: Date, timeZone?: string): string {
  const w = wallClock(date, timeZone);
  return `${w.hh}:${w.mm}`;
}

/** "Senin, 14 Oktober 2024". */
export function longDate(date: Date, timeZone?: string): string {
  const w = wallClock(date, timeZone);
  return `${DAYS[w.weekday]}, ${w.day} ${MONTHS[w.month - 1]} ${w.year}`;
}

/**
 * Every screen the snapshot tests draw, at every panel size and orientation, with buttons and
 * with touch: shared by the pixel snapshots and the legibility checks, so that both look at the
 * very same screens.
 */
import type { ScreenContext } from '../../src/display/screens.ts';
import type { KioskState } from '../../src/flows/kiosk-state.ts';
import { allScreens, context } from './display-fixtures.ts';
import { longCases, longVillage } from './display-long-fixtures.ts';
import { TOUCH_SIZES, touchOptions, touchShots } from './touch-fixtures.ts';

export interface Shot {
  name: string;
  state: KioskState;
  ctx: ScreenContext;
}

export interface SnapshotSet {
  width: number;
  height: number;
  shots: Shot[];
  /** Folder under tests/snapshots/ (default display-<W>x<H>). */
  dir?: string;
}

/** The button layouts at every size (every screen), long texts, and the touch layouts. */
export function snapshotSets(): SnapshotSet[] {
  const every = allScreens().map((s) => ({ ...s, ctx: context() }));
  const sets: SnapshotSet[] = [
    { width: 480, height: 320, shots: every },
    { width: 320, height: 240, shots: every },
    { width: 800, height: 480, shots: every },
    { width: 320, height: 480, shots: every },
    {
      width: 480,
      height: 320,
      shots: longCases()
        .filter((c) => ['greeting', 'choose_purpose', 'confirm'].includes(c.name))
        .map((c) => ({ name: `long-${c.name}`, state: c.state, ctx: longVillage })),
    },
  ];
  // Long texts on 2.8" panels: split over pages ("Halaman 1/2"), with buttons and with touch.
  const long = (width: number, height: number, touch: boolean): Shot[] =>
    longCases()
      .filter((c) => ['greeting', 'choose_purpose', 'confirm', 'out_of_service-remote'].includes(c.name))
      .map((c) => ({
        name: `long-${c.name}`,
        state: c.state,
        ctx: touch ? { ...longVillage, touch: touchOptions(width, height) } : longVillage,
      }));
  const confirm = longCases().find((c) => c.name === 'confirm');
  const page2 = confirm
    ? [
        {
          name: 'long-confirm-page2',
          state: { ...confirm.state, screen: { ...confirm.state.screen, page: 1 } },
          ctx: longVillage,
        },
      ]
    : [];
  sets.push({ width: 320, height: 240, shots: [...long(320, 240, false), ...page2] });
  sets.push({ width: 240, height: 320, shots: long(240, 320, true), dir: 'touch-240x320' });
  // Touch layouts (issue 12): finger-sized targets at every panel size and orientation.
  for (const [width, height] of TOUCH_SIZES) {
    const shots = touchShots(width, height).map((s) => ({ ...s, ctx: context({ touch: s.touch }) }));
    sets.push({ width, height, shots, dir: `touch-${width}x${height}` });
  }
  return sets;
}

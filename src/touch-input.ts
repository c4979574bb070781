/**
 * Touches become flow events: a tap is hit-tested against the targets of the screen on display
 * (the same layout that drew it), a drag over a list scrolls it row by row. The flow never sees
 * coordinates, only `select i`, `scroll n`, `cancel` and the buttons' own events.
 *
 *   touch port ─tap(x,y)─▶ layoutScreen(current model).targets ─▶ tapTarget ─▶ runner.dispatch
 *              ─drag────▶ dragTarget (list) ─▶ rows = -dy / row_px ─▶ scroll (the change only)
 */
import type { Canvas } from './display/layout.ts';
import { layoutScreen } from './display/layout.ts';
import type { ScreenModel } from './display/screen-model.ts';
import { dragTarget, type TouchAction, type TouchTarget, tapTarget } from './display/touch-targets.ts';
import type { Clock } from './flows/clock.ts';
import type { FlowRunner } from './flows/flow-runner.ts';
import type { KioskEvent } from './flows/kiosk-state.ts';
import type { Touch, TouchDrag, TouchPoint } from './hardware/touch.ts';
import type { Logger } from './log.ts';

export interface TouchInputDeps {
  touch: Touch;
  runner: Pick<FlowRunner, 'dispatch'>;
  /** The model last sent to the display, or null before the first frame. */
  currentModel: () => ScreenModel | null;
  canvas: Canvas;
  clock: Pick<Clock, 'now'>;
  logger: Logger;
  /** *Ulangi*: say the screen's prompt again (spoken guidance). */
  onRepeat?: () => void;
}

/** Turns a tapped target into the flow event it stands for. */
export function eventForAction(action: TouchAction, at: number): KioskEvent | null {
  switch (action.kind) {
    case 'button':
      return { type: 'button', at, button: action.button };
    case 'select':
      return { type: 'select', at, index: action.index };
    case 'cancel':
      return { type: 'cancel', at };
    case 'page':
      return { type: 'page', at, delta: action.delta };
    case 'list':
    case 'repeat':
      return null;
  }
}

/** Subscribes to the touch port; returns the unsubscriber. */
export function wireTouch(deps: TouchInputDeps): () => void {
  const { touch, runner, clock, logger } = deps;
  const targets = (): TouchTarget[] => {
    const model = deps.currentModel();
    return model ? (layoutScreen(model, deps.canvas).targets ?? []) : [];
  };
  let drag: { row_px: number; applied: number } | null = null;

  const onTap = (p: TouchPoint) => {
    const action = tapTarget(targets(), p);
    logger.debug({ x: p.x, y: p.y, action: action?.kind ?? null }, 'touch');
    if (action?.kind === 'repeat') deps.onRepeat?.();
    const event = action && eventForAction(action, clock.now());
    if (event) runner.dispatch(event);
  };
  const onDrag = (d: TouchDrag) => {
    if (!drag) {
      const list = dragTarget(targets(), d.start);
      drag = list ? { row_px: list.row_px, applied: 0 } : null;
    }
    if (drag) {
      const rows = Math.round(-d.dy / drag.row_px);
      if (rows !== drag.applied) {
        runner.dispatch({ type: 'scroll', at: clock.now(), rows: rows - drag.applied });
        drag.applied = rows;
      }
    }
    if (d.end) drag = null;
  };
  const onPresence = (present: boolean) =>
    logger.info({ present }, present ? 'touch panel present' : 'touch panel absent: buttons still work');
  touch.on('tap', onTap);
  touch.on('drag', onDrag);
  touch.on('presence', onPresence);
  return () => {
    touch.off('tap', onTap);
    touch.off('drag', onDrag);
    touch.off('presence', onPresence);
  };
}

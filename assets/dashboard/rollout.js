// Updates and remote settings on the fleet page (issue 11): the summary per running version,
// update state and remote settings version (a button per value sets its filter), and how the
// three filters match a row. Values from kiosks are set with textContent, never as markup.

/** "=X": exactly X; "!X": anything but X (not yet on it); "-" stands for unknown / none. */
function valueMatches(choice, value) {
  if (!choice) return true;
  const v = value == null ? '-' : String(value);
  return choice[0] === '=' ? v === choice.slice(1) : v !== choice.slice(1);
}

/** The row passes the version, update ("problem": failed or rolled back) and remote settings filters. */
export function rolloutMatches(r, f) {
  if (!valueMatches(f.version, r.version)) return false;
  if (!valueMatches(f.remote, r.remote_config_version)) return false;
  if (f.update === 'problem') return r.update === 'failed' || r.update === 'rolled_back';
  return !f.update || (r.update ?? '-') === f.update;
}

/** [value, label] options of the three filters for the rows the page has. */
export function rolloutChoices(rows) {
  const versions = [];
  const updates = [];
  const remote = [];
  for (const r of rows) {
    if (r.version) versions.push([`=${r.version}`, r.version], [`!${r.version}`, `belum ${r.version}`]);
    else versions.push(['=-', 'tidak diketahui']);
    updates.push(r.update ? [r.update, r.update] : ['-', 'tidak diketahui']);
    const n = r.remote_config_version;
    if (n == null) remote.push(['=-', 'tanpa']);
    else remote.push([`=${n}`, `v${n}`], [`!${n}`, `belum v${n}`]);
  }
  return [versions, updates, remote];
}

/** One group of the summary: a button per value, "0.1.0: 812 (40 offline)". */
function tally(el, counts, choice, label, onPick) {
  const buttons = Object.entries(counts)
    .sort((a, b) => a[0].localeCompare(b[0], 'id', { numeric: true }))
    .map(([value, t]) => {
      const b = document.createElement('button');
      b.type = 'button';
      b.dataset.choice = choice(value);
      b.textContent = `${label(value)}: ${t.n}${t.offline ? ` (${t.offline} offline)` : ''}`;
      b.addEventListener('click', () => onPick(b.dataset.choice));
      return b;
    });
  el.replaceChildren(...buttons);
}

/**
 * Draws the summary from the counts' `rollout`; `onPick(select, choice)` applies a click.
 * @param els the versions, updates and remote settings containers
 * @param selects the matching filters
 */
export function showRollout(ro, els, selects, onPick) {
  const unknown = (v) => (v === '-' ? 'tidak diketahui' : v);
  tally(
    els[0],
    ro.versions,
    (v) => `=${v}`,
    unknown,
    (c) => onPick(selects[0], c),
  );
  tally(
    els[1],
    ro.update_states,
    (v) => v,
    unknown,
    (c) => onPick(selects[1], c),
  );
  tally(
    els[2],
    ro.remote_config,
    (v) => `=${v}`,
    (v) => (v === '-' ? 'tanpa' : `v${v}`),
    (c) => onPick(selects[2], c),
  );
}

// The web simulator's page: shows the kiosk's frames, turns clicks into touches and button
// presses through the simulator's own commands, lists printed letters and MQTT messages.
// No rule of the kiosk lives here: every action is a command to a simulated device.
const screen = document.getElementById('screen');
const answer = document.getElementById('answer');
let targets = [];

async function command(line) {
  const res = await fetch('/api/command', { method: 'POST', headers: { 'Content-Type': 'text/plain' }, body: line });
  const { answer: text } = await res.json();
  answer.textContent = text;
  return text;
}

/** A point on the shown image → the display's logical pixels. */
function logical(ev) {
  const r = screen.getBoundingClientRect();
  const x = Math.floor(((ev.clientX - r.left) * screen.naturalWidth) / r.width);
  const y = Math.floor(((ev.clientY - r.top) * screen.naturalHeight) / r.height);
  return { x: Math.min(Math.max(x, 0), screen.naturalWidth - 1), y: Math.min(Math.max(y, 0), screen.naturalHeight - 1) };
}

const inside = (t, p) => p.x >= t.x && p.x < t.x + t.w && p.y >= t.y && p.y < t.y + t.h;

let down = null;
screen.addEventListener('pointerdown', (ev) => {
  if (!screen.naturalWidth) return;
  screen.setPointerCapture(ev.pointerId);
  down = { p: logical(ev), cx: ev.clientX, cy: ev.clientY };
});
screen.addEventListener('pointerup', (ev) => {
  if (!down || !screen.naturalWidth) return;
  const start = down;
  down = null;
  const end = logical(ev);
  const moved = Math.hypot(ev.clientX - start.cx, ev.clientY - start.cy) > 8;
  if (moved) {
    const body = JSON.stringify({ x: start.p.x, y: start.p.y, dx: end.x - start.p.x, dy: end.y - start.p.y });
    fetch('/api/drag', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body });
  } else {
    command(`touch ${start.p.x} ${start.p.y}`);
  }
});
screen.addEventListener('pointermove', (ev) => {
  if (!screen.naturalWidth) return;
  const p = logical(ev);
  screen.classList.toggle('target', targets.some((t) => t.action.kind !== 'list' && inside(t, p)));
});

for (const b of document.querySelectorAll('[data-press]')) b.addEventListener('click', () => command(`press ${b.dataset.press}`));
for (const b of document.querySelectorAll('[data-cmd]')) b.addEventListener('click', () => command(b.dataset.cmd));
document.getElementById('roll').addEventListener('submit', (ev) => {
  ev.preventDefault();
  command(`paper ${document.getElementById('roll-lines').value}`);
});

function cardButton(uid, label, unknown) {
  const b = document.createElement('button');
  b.className = unknown ? 'card unknown' : 'card';
  b.dataset.uid = uid;
  b.textContent = label;
  const code = document.createElement('code');
  code.textContent = uid;
  b.append(code);
  b.addEventListener('click', () => command(`tap ${uid}`));
  return b;
}

fetch('/api/cards')
  .then((r) => r.json())
  .then((cards) => {
    const box = document.getElementById('cards');
    for (const c of cards) box.append(cardButton(c.uid, c.note, false));
    box.append(cardButton('DEADBEEF', 'Kartu tidak dikenal (unknown card)', true));
  });

const events = new EventSource('/events');
let shownSeq = 0;
events.addEventListener('frame', (ev) => {
  const f = JSON.parse(ev.data);
  const img = new Image();
  img.onload = () => {
    // Frames load in parallel: an older one finishing late must not replace a newer one.
    if (f.seq < shownSeq) return;
    shownSeq = f.seq;
    targets = f.targets;
    screen.src = img.src;
    screen.dataset.seq = String(f.seq);
    screen.dataset.screen = f.screen;
    screen.dataset.targets = JSON.stringify(f.targets);
  };
  img.src = `/frame.png?seq=${f.seq}`;
});
events.addEventListener('print', (ev) => {
  const { id } = JSON.parse(ev.data);
  const box = document.getElementById('prints');
  box.querySelector('.empty')?.remove();
  const fig = document.createElement('figure');
  fig.className = 'print';
  fig.dataset.id = id;
  fig.innerHTML = `<img alt="Printed letter ${id}" src="/prints/${id}.png"><figcaption>${id} · <a href="/prints/${id}.png?download" download="surat-${id}.png">PNG</a></figcaption>`;
  box.prepend(fig);
});
events.addEventListener('mqtt', (ev) => {
  const m = JSON.parse(ev.data);
  const li = document.createElement('li');
  const topic = document.createElement('b');
  topic.textContent = m.topic + (m.retain ? ' (retained)' : '');
  li.append(topic, ' ', m.payload);
  const list = document.getElementById('mqtt');
  list.prepend(li);
  while (list.children.length > 200) list.lastElementChild.remove();
});

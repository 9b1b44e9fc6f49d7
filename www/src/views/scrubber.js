// The time scrubber: a range input over the run's stops (each distinct time at which
// something happened, plus the end), so every step of the slider is a moment where the
// state changed. Buttons step to the start, the previous/next event (or milestone:
// actions, faults, elections, ISR changes...), play/pause (at 0.25× to 8× of PLAY_MS a
// step), and the end. Ticks under the
// slider mark the milestones. Keyboard: the slider takes arrows, PageUp/PageDown,
// Home/End; the buttons are ordinary buttons. Calls onChange(tUs) on every move.
import { el, fmtTime, lastAtOrBefore, firstAtOrAfter, uid, fmtCount } from './format.js';

const PLAY_MS = 350; // one step per PLAY_MS at 1×
const SPEEDS = [0.25, 0.5, 1, 2, 4, 8];
const icon = (d) => `<svg viewBox="0 0 16 16" width="14" height="14" aria-hidden="true" fill="currentColor">${d}</svg>`;
const ICONS = {
  start: icon('<rect x="2.5" y="3" width="2" height="10"/><path d="M13.5 3v10L5.5 8z"/>'),
  prev: icon('<path d="M10.5 3.2 5.7 8l4.8 4.8-1.4 1.4L2.9 8l6.2-6.2z"/>'),
  play: icon('<path d="M4 2.5v11L13.5 8z"/>'),
  pause: icon('<rect x="3.5" y="3" width="3" height="10"/><rect x="9.5" y="3" width="3" height="10"/>'),
  next: icon('<path d="M5.5 3.2 10.3 8l-4.8 4.8 1.4 1.4L13.1 8 6.9 1.8z"/>'),
  end: icon('<rect x="11.5" y="3" width="2" height="10"/><path d="M2.5 3v10l8-5z"/>'),
};

export function createScrubber(parent, { onChange }) {
  let model = null;
  let marks = new Float64Array(0); // milestone times
  let timer = 0;
  const id = uid('scrub');

  const range = el('input', { type: 'range', id, min: '0', max: '0', step: '1', value: '0', class: 'kv-range', dataset: { testid: 'scrubber' } });
  const readout = el('output', { class: 'kv-readout', for: id, dataset: { testid: 'scrub-time' } }, '–');
  const mode = el('select', { class: 'kv-select', 'aria-label': 'Step by' },
    el('option', { value: 'event' }, 'every event'),
    el('option', { value: 'milestone' }, 'milestones'));
  const btn = (svg, title, fn, testid) => el('button', { type: 'button', class: 'kv-btn kv-icon', 'aria-label': title, title, onclick: fn, dataset: { testid }, innerHTML: svg });
  const playBtn = btn(ICONS.play, 'Play', () => (timer ? stop() : play()), 'scrub-play');
  const speed = el('select', { class: 'kv-select', 'aria-label': 'Play speed', dataset: { testid: 'scrub-speed' } },
    SPEEDS.map((x) => el('option', { value: String(x), selected: x === 1 }, `${x}×`)));
  // A new speed takes effect at once, also while playing.
  speed.addEventListener('change', () => {
    if (!timer) return;
    clearInterval(timer);
    timer = setInterval(tick, PLAY_MS / Number(speed.value));
  });
  const ticks = el('div', { class: 'kv-ticks', 'aria-hidden': 'true' });
  const root = el('div', { class: 'kv-scrubber', role: 'group', 'aria-label': 'Time scrubber', dataset: { testid: 'view-scrubber' } },
    el('div', { class: 'kv-scrub-row' },
      el('label', { class: 'kv-scrub-label', for: id }, 'Time'),
      el('div', { class: 'kv-range-wrap' }, range, ticks),
      readout),
    el('div', { class: 'kv-scrub-row kv-scrub-buttons' },
      btn(ICONS.start, 'Start of the run', () => go(0), 'scrub-start'),
      btn(ICONS.prev, 'Previous step (,)', () => step(-1), 'scrub-prev'),
      playBtn,
      btn(ICONS.next, 'Next step (.)', () => step(1), 'scrub-next'),
      btn(ICONS.end, 'End of the run', () => go(model ? model.stops.length - 1 : 0), 'scrub-end'),
      el('label', { class: 'kv-check' }, 'Step by ', mode),
      el('label', { class: 'kv-check' }, 'Speed ', speed)));
  parent.append(root);

  range.addEventListener('input', () => emit());
  range.addEventListener('keydown', (e) => {
    if (e.key === ',' || e.key === '<') { step(-1); e.preventDefault(); }
    if (e.key === '.' || e.key === '>') { step(1); e.preventDefault(); }
  });

  function setModel(m) {
    stop();
    model = m;
    const n = m ? m.stops.length : 1;
    range.max = String(n - 1);
    range.disabled = !m;
    const times = [];
    const frag = [];
    if (m) {
      let lastPct = -1;
      for (const i of m.milestones) {
        const e = m.trace[i];
        if (times[times.length - 1] !== e.at_us) times.push(e.at_us);
        const pct = (lastAtOrBefore(m.stops, e.at_us) / Math.max(1, n - 1)) * 100;
        if (Math.abs(pct - lastPct) < 0.3 && e.type !== 'action') continue;
        lastPct = pct;
        frag.push(el('span', { class: `kv-tick kv-tick-${e.type}`, style: { left: `${pct}%` }, title: `${fmtTime(e.at_us)} ${e.type}` }));
      }
    }
    marks = Float64Array.from(times);
    ticks.replaceChildren(...frag);
  }

  function indexOf(t) {
    return Math.max(0, lastAtOrBefore(model.stops, t));
  }

  function setTime(t) {
    if (!model) return;
    range.value = String(indexOf(t));
    describe();
  }

  function describe() {
    if (!model) return;
    const i = Number(range.value);
    const t = model.stops[i];
    const text = `${fmtTime(t)} · step ${fmtCount(i + 1)} of ${fmtCount(model.stops.length)}`;
    readout.textContent = text;
    range.setAttribute('aria-valuetext', text);
    readout.dataset.us = String(t);
  }

  function emit() {
    if (!model) return;
    describe();
    onChange(model.stops[Number(range.value)]);
  }

  function go(i) {
    if (!model) return;
    range.value = String(Math.max(0, Math.min(model.stops.length - 1, i)));
    emit();
  }

  /** One step: to the next stop, or to the next milestone time. Returns false at the end. */
  function step(dir) {
    if (!model) return false;
    const i = Number(range.value);
    if (mode.value === 'event' || marks.length === 0) {
      const j = i + dir;
      if (j < 0 || j >= model.stops.length) return false;
      go(j);
      return true;
    }
    const t = model.stops[i];
    const k = dir > 0 ? firstAtOrAfter(marks, t + 1) : lastAtOrBefore(marks, t - 1);
    if (k < 0 || k >= marks.length) {
      if (dir > 0 && i < model.stops.length - 1) { go(model.stops.length - 1); return true; }
      if (dir < 0 && i > 0) { go(0); return true; }
      return false;
    }
    go(indexOf(marks[k]));
    return true;
  }

  function play() {
    if (!model) return;
    if (Number(range.value) >= model.stops.length - 1) go(0);
    playBtn.innerHTML = ICONS.pause;
    playBtn.setAttribute('aria-label', 'Pause');
    playBtn.title = 'Pause';
    timer = setInterval(tick, PLAY_MS / Number(speed.value));
  }

  function tick() {
    if (!step(1)) stop();
  }

  function stop() {
    clearInterval(timer);
    timer = 0;
    playBtn.innerHTML = ICONS.play;
    playBtn.setAttribute('aria-label', 'Play');
    playBtn.title = 'Play';
  }

  return {
    element: root,
    setModel,
    setTime,
    destroy() {
      stop();
      root.remove();
    },
  };
}

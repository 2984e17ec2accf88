"""The page's look and its small scripts: offline (system fonts, nothing fetched) and readable narrow."""

from __future__ import annotations

from typing import Any

# The re-ask buttons under the conversation (ids ``again-<how>``) show only while the evidence
# cards on the page say that re-ask applies to their answer (``data-offers``, see
# assistant.ui.evidence.cards_html): the buttons always match the answer shown, and no reply
# sends them (as Gradio updates each cost the server a rebuilt component: issue 15).

CSS = """
#cards { min-height: 12rem; }
body:not(:has(#cards [data-offers~="widen"])) #again-widen,
body:not(:has(#cards [data-offers~="fresh"])) #again-fresh,
body:not(:has(#cards [data-offers~="clear"])) #again-clear { display: none !important; }
.cards-title { font-size: 1.05rem; margin: 0 0 .6rem; overflow-wrap: anywhere; }
.pinned-count { margin: -.3rem 0 .6rem; font-size: .875rem; color: var(--body-text-color-subdued); }
.cards-empty { color: var(--body-text-color-subdued); padding: 1rem 0; }
.card { border: 1px solid var(--border-color-primary); border-radius: 8px; padding: .75rem 1rem;
        margin: 0 0 .75rem; background: var(--background-fill-primary); overflow-wrap: anywhere;
        line-height: 1.45; }
.card header { display: flex; flex-wrap: wrap; gap: .25rem .5rem; align-items: baseline; }
.card .num { font-weight: 700; color: var(--color-accent); }
.card h3.report { font-size: 1rem; margin: 0; }
.card .who, .card .score, .card .loc { color: var(--body-text-color-subdued); font-size: .875rem; }
.card .section { font-weight: 600; margin: .3rem 0 .2rem; }
.card .where { display: flex; flex-wrap: wrap; gap: .3rem .6rem; align-items: center; margin: 0; }
.card .lead-in { font-style: italic; margin: .4rem 0 0; color: var(--body-text-color-subdued); }
.card .quote { margin: .4rem 0; padding: .1rem 0 .1rem .75rem; border-left: 3px solid var(--color-accent);
               font-size: 1rem; }
.card mark.support { background: #fff1a6; color: #1f2328; padding: 0 .1em; border-radius: 2px; }
.card b.term { font-weight: 700; text-decoration: underline; text-decoration-thickness: 2px;
               text-underline-offset: 2px; }
.card .citation { font-size: .8rem; margin: .2rem 0 .4rem; color: var(--body-text-color-subdued); }
.card .actions { display: flex; flex-wrap: wrap; gap: .5rem; }
.card .actions button { border: 1px solid var(--button-secondary-border-color); border-radius: 6px;
  background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color);
  padding: .3rem .75rem; font-size: .875rem; cursor: pointer; }
.card .actions button:hover { background: var(--button-secondary-background-fill-hover); }
.card .actions button:focus-visible { outline: 2px solid var(--color-accent); outline-offset: 2px; }
.card .actions button[aria-pressed="true"] { border-color: var(--color-accent); font-weight: 600; }
.grade { border-radius: 999px; padding: .05rem .6rem; font-size: .8rem; font-weight: 600;
         border: 1px solid currentColor; }
.grade-outstanding { background: #e6f4ea; color: #0b5e1f; }
.grade-good { background: #e8f0fe; color: #123f8c; }
.grade-requires-improvement { background: #fff4e0; color: #7a4100; }
.grade-inadequate { background: #fde8e8; color: #8a1111; }
.grade-none { color: var(--body-text-color-subdued); }
.abstain { border: 1px solid #b45309; background: #fffbeb; color: #5c2d00; padding: .5rem .75rem;
           border-radius: 6px; margin: 0 0 .75rem; }
.card .actions button.show[aria-expanded="true"] { border-color: var(--color-accent); }
.context-slot { margin: .6rem 0 0; padding: .5rem 0 0; border-top: 1px dashed var(--border-color-primary); }
.in-report .ctx-section { font-weight: 600; margin: 0 0 .3rem; display: flex; flex-wrap: wrap;
                          gap: .3rem .6rem; align-items: center; }
.in-report .ctx-text { font-size: .92rem; }
.in-report .ctx-p, .in-report .ctx-list { margin: .3rem 0; }
.in-report .ctx-list { padding-left: 1.4rem; }
.in-report .ctx-loc { color: var(--body-text-color-subdued); font-size: .75rem; white-space: nowrap; }
.in-report mark.passage { background: #fff1a6; color: #1f2328; padding: 0 .1em; border-radius: 2px;
                          box-shadow: 0 0 0 1px #d4a400; }
.in-report .ctx-more, .in-report .ctx-note, .in-report .ctx-web { font-size: .85rem; margin: .35rem 0; }
.in-report .ctx-note { color: var(--body-text-color-subdued); }
.in-report .ctx-more button { border: 1px solid var(--button-secondary-border-color); border-radius: 6px;
  background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color);
  padding: .15rem .6rem; font-size: .8rem; cursor: pointer; }
.in-report .ctx-page { margin: .5rem 0 0; }
.in-report .ctx-page img { display: block; max-width: 100%; height: auto;
                           border: 1px solid var(--border-color-primary); }
.in-report .ctx-page figcaption { font-size: .8rem; color: var(--body-text-color-subdued); }
#library .lib-title { font-size: 1.05rem; margin: 0 0 .5rem; }
#library .lib-scroll { overflow-x: auto; }
#library .lib-table { border-collapse: collapse; width: 100%; font-size: .875rem; }
#library .lib-table th, #library .lib-table td { text-align: left; vertical-align: top; padding: .35rem .4rem;
  border-bottom: 1px solid var(--border-color-primary); }
#library .lib-table td.lib-source { word-break: break-all; min-width: 7rem; max-width: 12rem;
                                   font-size: .8rem; }
#library .lib-table td.lib-details { min-width: 6.5rem; }
#library .lib-fact { color: var(--body-text-color-subdued); font-size: .8rem; white-space: nowrap; }
#library .lib-grades { display: flex; flex-wrap: wrap; gap: .25rem .35rem; }
#library .lib-grade { white-space: nowrap; font-size: .8rem; }
#library .lib-grade .grade { font-size: .72rem; padding: 0 .45rem; }
#library tr.lib-current { background: var(--background-fill-secondary); }
#library .lib-open { background: none; border: none; padding: 0; color: var(--color-accent); font-weight: 600;
  text-align: left; cursor: pointer; text-decoration: underline; font-size: .9rem; }
#library .lib-who, #library .lib-file, #library .lib-note, #library .lib-count, #library .lib-none {
  color: var(--body-text-color-subdued); font-size: .8rem; }
#library .lib-skipped { border: 1px solid #b45309; background: #fffbeb; color: #5c2d00; border-radius: 6px;
  padding: .4rem .75rem; margin: .75rem 0; }
#library .lib-skipped h3 { font-size: .95rem; margin: 0 0 .3rem; }
#library .lib-outline { margin-top: 1rem; }
#library .lib-outline h3 { font-size: 1rem; margin: 0; }
#library .lib-headings { list-style: none; padding: 0; margin: .4rem 0; }
#library .lib-headings li { margin: .2rem 0; }
#library .lib-headings .lvl-2 { margin-left: 1.2rem; }
#library .lib-headings .lvl-3, #library .lib-headings .lvl-4 { margin-left: 2.4rem; }
#library summary { cursor: pointer; line-height: 1.5; }
#library .lib-heading { font-weight: 600; }
#library .lib-section { font-size: .9rem; padding: .2rem 0 .4rem 1rem; }
#library .lib-section .ctx-loc { color: var(--body-text-color-subdued); font-size: .75rem; }
#library .lib-sub { font-size: .9rem; margin: .6rem 0 .2rem; }
.card .actions button[aria-pressed="true"]::before { content: ""; display: inline-block; width: .3em;
  height: .6em; margin: 0 .45em .12em .05em; border: solid currentColor; border-width: 0 2px 2px 0;
  transform: rotate(45deg); }
.grade-cite { font-size: .8rem; color: var(--body-text-color-subdued); }
.card .copies { margin: .3rem 0 0; font-size: .875rem; }
.card .copies-title { margin: 0; font-weight: 600; }
.card .copies ul { margin: .15rem 0 0; padding-left: 1.2rem; }
.card .copies li { margin: .15rem 0; }
.card .copies cite { color: var(--body-text-color-subdued); font-size: .8rem; }
.card .copies button { border: 1px solid var(--button-secondary-border-color); border-radius: 6px;
  background: var(--button-secondary-background-fill); color: var(--button-secondary-text-color);
  padding: 0 .5rem; font-size: .75rem; cursor: pointer; }
.card ul.items { margin: 0 0 .4rem 1.6rem; padding: 0; }
.card ul.items li { margin: .15rem 0; }
.card .item-card { color: var(--body-text-color-subdued); font-size: .8rem; }
.scope, .mode-note { margin: -.2rem 0 .6rem; font-size: .875rem; }
.scope { font-weight: 600; }
.filtered-out { border: 1px solid #b45309; background: #fffbeb; color: #5c2d00; padding: .5rem .75rem;
                border-radius: 6px; margin: 0 0 .75rem; }
.compare-row { margin: 0 0 1rem; }
.compare-section { font-size: 1rem; margin: .2rem 0 .5rem; }
.compare-cols { display: grid; grid-template-columns: repeat(auto-fit, minmax(15rem, 1fr)); gap: .75rem;
                align-items: start; }
.compare-head { margin: 0 0 .4rem; display: flex; flex-wrap: wrap; gap: .3rem .5rem; align-items: center; }
.grades-scroll { overflow-x: auto; }
.grades-table { border-collapse: collapse; font-size: .8rem; }
.grades-table th, .grades-table td { border: 1px solid var(--border-color-primary); padding: .3rem .4rem;
                                      text-align: left; vertical-align: top; min-width: 5.5rem; }
.grades-table .grade { font-size: .75rem; padding: .05rem .4rem; display: inline-block; }
.grades-table thead th { font-weight: 600; background: var(--background-fill-secondary); }
.grades-table .grade-where, .grades-table .g-title { color: var(--body-text-color-subdued); }
.grades-key { font-size: .8rem; color: var(--body-text-color-subdued); }
#skip .skip-link { position: absolute; left: -10000px; top: auto; width: 1px; height: 1px; overflow: hidden; }
#skip .skip-link:focus { position: static; width: auto; height: auto; display: inline-block;
  padding: .2rem .6rem; border: 2px solid var(--color-accent); border-radius: 6px; }
.pin-quote blockquote { margin: .2rem 0; padding-left: .75rem; border-left: 3px solid var(--color-accent); }
.pin-quote .citation { font-size: .8rem; color: var(--body-text-color-subdued); overflow-wrap: anywhere; }
"""

CARDS_JS = """
const copyText = async (text) => {
  try { await navigator.clipboard.writeText(text); return true; } catch (error) {
    const area = document.createElement('textarea');
    area.value = text; area.setAttribute('readonly', '');
    area.style.position = 'fixed'; area.style.opacity = '0';
    document.body.appendChild(area); area.select();
    let ok = false; try { ok = document.execCommand('copy'); } catch (e) { ok = false; }
    area.remove(); return ok;
  }
};
const opened = new Map();  // passage id -> its context HTML, kept while the same answer is shown
let shownTurn = null;
const cardOf = (id) =>
  element.querySelector(`button.show[data-id="${CSS.escape(id)}"]`)?.closest('article.card');
const setSlot = (card, html) => {
  const slot = card.querySelector('.context-slot');
  const toggle = card.querySelector('button.show');
  slot.hidden = html === null;
  slot.innerHTML = html || '';
  toggle.setAttribute('aria-expanded', String(html !== null));
  toggle.textContent = html === null ? 'Show in report' : 'Hide context';
};
const showContext = async (id, whole) => {
  const card = cardOf(id);
  if (!card) return;
  const slot = card.querySelector('.context-slot');
  if (slot.hidden) setSlot(card, '<p class="ctx-note">Loading the report…</p>');
  slot.setAttribute('aria-busy', 'true');
  let html;
  try { html = await server.show_context(id, whole); } catch (error) {
    html = '<p class="ctx-note" role="alert">The report could not be loaded; try again.</p>';
  }
  slot.removeAttribute('aria-busy');
  const now = cardOf(id);  // the cards may have been drawn again meanwhile
  if (!now) return;
  opened.set(id, html);
  setSlot(now, html);
};
watch('value', () => {
  const turn = element.querySelector('.cards')?.dataset.turn ?? null;
  if (turn !== shownTurn) { opened.clear(); shownTurn = turn; return; }
  for (const [id, html] of opened) { const card = cardOf(id); if (card) setSlot(card, html); }
});
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button || !element.contains(button)) return;
  const action = button.dataset.action;
  if (action === 'context') {
    if (button.getAttribute('aria-expanded') === 'true') {
      opened.delete(button.dataset.id);
      setSlot(button.closest('article.card'), null);
    } else {
      showContext(button.dataset.id, false);
    }
  } else if (action === 'context-all' || action === 'context-less') {
    showContext(button.dataset.id, action === 'context-all');
  } else if (action === 'pin') {
    const pressed = button.getAttribute('aria-pressed') === 'true';
    button.setAttribute('aria-pressed', String(!pressed));
    button.textContent = pressed ? 'Pin to briefing' : 'Pinned';
    const pinned = [...element.querySelectorAll('button.pin[aria-pressed="true"]')].map(b => b.dataset.id);
    trigger('click', {action: 'pins', pinned: pinned});
  } else if (button.dataset.action === 'copy') {
    const ok = await copyText(button.dataset.citation);
    button.textContent = ok ? 'Copied' : 'Copy failed: select the citation text instead';
    setTimeout(() => { button.textContent = 'Copy citation'; }, 2000);
  }
});
"""
"""Card buttons: pin sends a ``click`` event with the ids of all pinned cards (the whole set, so
clicks handled out of turn cannot undo each other); copy puts the citation on the clipboard;
"Show in report" calls the server function ``show_context`` (no queue: it is a lookup) and puts
its HTML into the card, and keeps it there when the cards are drawn again for the same answer
(pinning re-draws them)."""

LIBRARY_JS = """
const list = element.querySelector('.lib-list');
const slot = element.querySelector('.lib-outline-slot');
const failed = (what) => `<p class="lib-note" role="alert">${what} could not be loaded; try again.</p>`;
const refresh = async () => {
  try { list.innerHTML = await server.reports_list(); } catch (error) { list.innerHTML = failed('The list'); }
  const current = slot.querySelector('.lib-outline')?.dataset.report;
  element.querySelectorAll('tr[data-report]').forEach(
    (row) => row.classList.toggle('lib-current', row.dataset.report === current));
};
new IntersectionObserver((seen) => { if (seen.some((e) => e.isIntersecting)) refresh(); }).observe(element);
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action="outline"]');
  if (!button || !element.contains(button)) return;
  slot.innerHTML = '<p class="lib-note">Loading the outline…</p>';
  try { slot.innerHTML = await server.outline(button.dataset.id); } catch (error) {
    slot.innerHTML = failed('The outline');
  }
  element.querySelectorAll('tr[data-report]').forEach(
    (row) => row.classList.toggle('lib-current', row.dataset.report === button.dataset.id));
  slot.scrollIntoView({block: 'start'});
});
element.addEventListener('toggle', async (event) => {
  const section = event.target;
  if (!(section instanceof HTMLDetailsElement) || !section.open || section.dataset.loaded) return;
  const body = section.querySelector('.lib-section');
  body.innerHTML = '<p class="lib-note">Loading the section…</p>';
  try {
    body.innerHTML = await server.section(section.dataset.id, Number(section.dataset.section));
    section.dataset.loaded = 'true';
  } catch (error) { body.innerHTML = failed('The section'); }
}, true);
"""
"""The Reports tab: the list is fetched whenever the tab comes into view (an upload shows at once);
a title opens the report's outline below it; opening a heading fetches its section's text."""

SKIP_LINK = '<a class="skip-link" href="#cards">Skip to the evidence cards</a>'
SKIP_JS = """
element.addEventListener('click', (event) => {
  if (!event.target.closest('a.skip-link')) return;
  event.preventDefault();
  const go = () => {
    const first = document.querySelector('#cards button.pin') || document.querySelector('#cards .cards-title')
      || document.querySelector('#cards .cards-empty');
    if (first && !first.matches('button')) first.setAttribute('tabindex', '-1');
    first?.focus();
  };
  const tab = [...document.querySelectorAll('button[role="tab"]')]
    .find((b) => b.innerText.trim() === 'Evidence');
  if (tab && tab.getAttribute('aria-selected') !== 'true') { tab.click(); setTimeout(go, 100); } else go();
});
"""
"""A link kept off screen until it has keyboard focus (right after the question box and Ask), which
jumps to the first card's first button: two Tab presses from the question to the cards."""

FOCUS_QUESTION_JS = """
() => { const box = document.querySelector('#question textarea, #question input'); if (box) box.focus(); }
"""


def theme(gr: Any) -> Any:
    """Gradio's default look with system fonts only, so the page fetches no font from anywhere."""
    system = ("ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Arial", "sans-serif")
    mono = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")
    return gr.themes.Default(font=system, font_mono=mono)

"""The page's look and its two small scripts: offline (system fonts, nothing fetched) and readable narrow."""

from __future__ import annotations

from typing import Any

CSS = """
#cards { min-height: 12rem; }
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
element.addEventListener('click', async (event) => {
  const button = event.target.closest('button[data-action]');
  if (!button || !element.contains(button)) return;
  if (button.dataset.action === 'pin') {
    const pressed = button.getAttribute('aria-pressed') === 'true';
    button.setAttribute('aria-pressed', String(!pressed));
    button.textContent = pressed ? 'Pin to briefing' : 'Pinned ✓';
    const pinned = [...element.querySelectorAll('button.pin[aria-pressed="true"]')].map(b => b.dataset.id);
    trigger('click', {action: 'pins', pinned: pinned});
  } else if (button.dataset.action === 'copy') {
    const ok = await copyText(button.dataset.citation);
    button.textContent = ok ? 'Copied ✓' : 'Copy failed: select the citation text instead';
    setTimeout(() => { button.textContent = 'Copy citation'; }, 2000);
  }
});
"""
"""Card buttons: pin sends a ``click`` event with the ids of all pinned cards (the whole set, so
clicks handled out of turn cannot undo each other); copy puts the citation on the clipboard."""

FOCUS_QUESTION_JS = """
() => { const box = document.querySelector('#question textarea, #question input'); if (box) box.focus(); }
"""


def theme(gr: Any) -> Any:
    """Gradio's default look with system fonts only, so the page fetches no font from anywhere."""
    system = ("ui-sans-serif", "system-ui", "-apple-system", "Segoe UI", "Roboto", "Arial", "sans-serif")
    mono = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "monospace")
    return gr.themes.Default(font=system, font_mono=mono)

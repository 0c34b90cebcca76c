// The audit view: one timeline per draft, each step in plain words with its
// time in UTC, the chain's verification badge, and a CSV export.
import { api } from './api.js';
import { el, replaceChildren, utcTime } from './dom.js';

/** Entries (newest first, as the server lists them) as timelines: one per draft, oldest step first, most recent draft first. */
function timelines(entries) {
  const groups = new Map();
  for (const entry of entries) {
    const key = entry.draftId ?? '';
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key).push(entry);
  }
  return [...groups.entries()].map(([draftId, list]) => ({ draftId, steps: list.slice().reverse() }));
}

function titleOf(timeline) {
  if (!timeline.draftId) return 'Not about a draft';
  const request = timeline.steps.find((s) => s.action === 'draft.created')?.details?.request;
  const what = request ? ` — ${request.channel} to ${request.to || 'your devices'}` : '';
  return `Draft ${timeline.draftId.slice(0, 8)}${what}`;
}

export class AuditPanel {
  /** @param {{ list: HTMLElement, form: HTMLFormElement, status: HTMLElement, badge: HTMLElement, csv: HTMLButtonElement }} parts */
  constructor(parts) {
    this.parts = parts;
    parts.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.refresh();
    });
    parts.csv.addEventListener('click', () => void this.exportCsv());
  }

  filter() {
    const data = new FormData(this.parts.form);
    return { draftId: String(data.get('draftId') ?? '').trim(), actor: String(data.get('actor') ?? '').trim() };
  }

  /** Show one draft's trail. */
  async showDraft(draftId) {
    this.parts.form.elements.namedItem('draftId').value = draftId;
    await this.refresh();
  }

  async refresh() {
    const { list, status } = this.parts;
    status.textContent = 'Loading…';
    status.className = 'audit-status';
    void this.verify();
    try {
      const entries = await api.audit({ ...this.filter(), limit: '200' });
      replaceChildren(list, timelines(entries).map((t) => this.timeline(t)));
      status.textContent = entries.length === 0 ? 'No entries match.' : `${entries.length} entries.`;
    } catch (error) {
      status.textContent = error.message;
      status.className = 'audit-status error';
    }
  }

  timeline(t) {
    return el(
      'section',
      { class: 'timeline', dataset: { draftId: t.draftId }, 'aria-label': titleOf(t) },
      el(
        'header',
        { class: 'timeline-head' },
        el('h3', {}, titleOf(t)),
        t.draftId ? el('button', { type: 'button', class: 'btn btn-link', onclick: () => void this.showDraft(t.draftId) }, 'Only this draft') : null,
      ),
      el('ol', { class: 'steps' }, t.steps.map((e) => step(e))),
    );
  }

  /** The badge: the same check as `relaybot audit verify`, run by the server. */
  async verify() {
    const { badge } = this.parts;
    badge.className = 'chain-badge';
    badge.textContent = 'Checking the chain…';
    try {
      const result = await api.verifyAudit();
      if (result.ok) {
        badge.className = 'chain-badge ok';
        badge.textContent = `✔ Chain verified — head #${result.head.seq}`;
        badge.title = `${result.count} entries; head hash ${result.head.hash}`;
      } else {
        badge.className = 'chain-badge broken';
        badge.textContent = `✖ Chain broken at #${result.brokenSeq}: ${result.reason}`;
      }
    } catch (error) {
      badge.className = 'chain-badge broken';
      badge.textContent = `Could not check the chain: ${error.message}`;
    }
  }

  async exportCsv() {
    const { status } = this.parts;
    try {
      const blob = await api.auditCsv(this.filter());
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: 'relaybot-audit.csv', hidden: true });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 10_000);
    } catch (error) {
      status.textContent = error.message;
      status.className = 'audit-status error';
    }
  }
}

function step(e) {
  return el(
    'li',
    { class: 'step', dataset: { action: e.action, seq: String(e.seq) } },
    el('time', { datetime: e.at }, utcTime(e.at)),
    el('p', { class: 'says' }, e.says ?? e.action),
    el(
      'details',
      { class: 'step-details' },
      el('summary', {}, `#${e.seq} · `, el('code', {}, e.action)),
      el('pre', { class: 'mono' }, JSON.stringify(e.details ?? {}, null, 2)),
      el('p', { class: 'mono hash' }, `hash ${e.hash}`),
    ),
  );
}

// The audit view: the append-only log, newest first, filterable by draft and person.
import { api } from './api.js';
import { el, localTime, replaceChildren } from './dom.js';

/** The details worth a glance, as "key: value" pairs (the full JSON is in the row's tooltip). */
function summary(details) {
  const pick = [];
  const add = (label, value) => {
    if (value !== undefined && value !== null && value !== '') pick.push(`${label}: ${typeof value === 'object' ? JSON.stringify(value) : value}`);
  };
  if (details.request) add('request', `${details.request.channel} → ${details.request.to}`);
  if (details.before && details.after) {
    for (const key of ['channel', 'to', 'subject', 'text']) {
      if (details.before[key] !== details.after[key]) add(key, `${details.before[key] ?? '∅'} → ${details.after[key] ?? '∅'}`);
    }
  }
  for (const key of ['attempted', 'reason', 'outcome', 'status', 'attempt', 'dryRun', 'code', 'error']) add(key, details[key]);
  return pick.join(' · ');
}

export class AuditPanel {
  /** @param {{ table: HTMLTableSectionElement, form: HTMLFormElement, status: HTMLElement }} parts */
  constructor(parts) {
    this.parts = parts;
    parts.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.refresh();
    });
  }

  /** Show one draft's trail. */
  async showDraft(draftId) {
    this.parts.form.elements.namedItem('draftId').value = draftId;
    await this.refresh();
  }

  async refresh() {
    const { form, table, status } = this.parts;
    const data = new FormData(form);
    status.textContent = 'Loading…';
    status.className = 'audit-status';
    try {
      const entries = await api.audit({
        draftId: String(data.get('draftId') ?? '').trim(),
        actor: String(data.get('actor') ?? '').trim(),
        limit: '200',
      });
      replaceChildren(
        table,
        entries.map((e) =>
          el(
            'tr',
            { dataset: { action: e.action } },
            el('td', { class: 'num' }, String(e.seq)),
            el('td', { class: 'nowrap' }, localTime(e.at)),
            el('td', { class: 'nowrap' }, e.actor ? `${e.actor.platform}:${e.actor.name ?? e.actor.userId}` : 'relaybot'),
            el('td', {}, el('code', {}, e.action)),
            el(
              'td',
              { class: 'mono' },
              e.draftId
                ? el('button', { type: 'button', class: 'link-id', title: `Only draft ${e.draftId}`, onclick: () => void this.showDraft(e.draftId) }, `${e.draftId.slice(0, 8)}…`)
                : '—',
            ),
            el('td', { title: JSON.stringify(e.details, null, 2) }, summary(e.details ?? {})),
            el('td', { class: 'mono', title: e.hash }, e.hash.slice(0, 10)),
          ),
        ),
      );
      status.textContent = entries.length === 0 ? 'No entries match.' : `${entries.length} entries, newest first.`;
    } catch (error) {
      status.textContent = error.message;
      status.className = 'audit-status error';
    }
  }
}

// Wires the page: tabs, settings (who I am, API token), the chat and the audit view.
import { onUnauthorized, settings } from './api.js';
import { AuditPanel } from './audit.js';
import { ChatPanel } from './chat.js';

const $ = (selector) => {
  const node = document.querySelector(selector);
  if (!node) throw new Error(`console markup is missing ${selector}`);
  return node;
};

const tabs = {
  chat: { tab: $('#tab-chat'), panel: $('#panel-chat') },
  audit: { tab: $('#tab-audit'), panel: $('#panel-audit') },
};

function showTab(name) {
  for (const [key, { tab, panel }] of Object.entries(tabs)) {
    const active = key === name;
    tab.setAttribute('aria-selected', String(active));
    tab.tabIndex = active ? 0 : -1;
    panel.hidden = !active;
  }
}

const audit = new AuditPanel({ table: $('#audit-rows'), form: $('#audit-filter'), status: $('#audit-status') });

const chat = new ChatPanel({
  log: $('#chat-log'),
  form: $('#composer'),
  input: $('#composer-input'),
  button: $('#composer-send'),
  userId: () => settings.userId,
  onShowAudit: (draftId) => {
    showTab('audit');
    void audit.showDraft(draftId);
  },
});

tabs.chat.tab.addEventListener('click', () => showTab('chat'));
tabs.audit.tab.addEventListener('click', () => {
  showTab('audit');
  void audit.refresh();
});
$('#new-chat').addEventListener('click', () => chat.reset());

for (const button of document.querySelectorAll('[data-example]')) {
  button.addEventListener('click', () => {
    const input = $('#composer-input');
    input.value = button.dataset.example;
    input.focus();
  });
}

// Settings: the user id names who asks and who decides; the token is only needed when the server has one.
const userInput = $('#user-id');
const tokenInput = $('#api-token');
const settingsPanel = $('#settings');
userInput.value = settings.userId;
tokenInput.value = settings.token;
userInput.addEventListener('change', () => {
  settings.userId = userInput.value;
  userInput.value = settings.userId;
  $('#whoami').textContent = settings.userId;
});
tokenInput.addEventListener('change', () => {
  settings.token = tokenInput.value;
  $('#token-needed').hidden = true;
});
$('#whoami').textContent = settings.userId;

onUnauthorized(() => {
  settingsPanel.open = true;
  $('#token-needed').hidden = false;
  tokenInput.focus();
});

showTab('chat');
$('#composer-input').focus();
